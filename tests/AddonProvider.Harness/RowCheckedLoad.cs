using AddonProvider.Simulator;
using Npgsql;

namespace AddonProvider.Harness;

/// <summary>
/// The simulator's <c>load</c> against a running provider, then what only the database can tell: every uuid the
/// provider answered 2xx has its committed row in <c>resources</c>, and none has two.
/// </summary>
public static class RowCheckedLoad
{
    public static async Task<int> RunAsync(LoadOptions options, string databaseUrl, TextWriter output)
    {
        var result = await LoadCommand.RunAsync(options, output);
        var ids = result.Answered2xx.ToArray();
        var (missing, duplicated) = await VerifyAsync(databaseUrl, ids);
        output.WriteLine($"verify: {ids.Length - missing} of {ids.Length} 2xx responses have their committed row; missing: {missing}; duplicated: {duplicated}");
        return result.Errors == 0 && missing == 0 && duplicated == 0 ? 0 : 1;
    }

    private static async Task<(int Missing, int Duplicated)> VerifyAsync(string databaseUrl, Guid[] ids)
    {
        await using var connection = new NpgsqlConnection(Data.DatabaseUrl.ToConnectionString(databaseUrl));
        await connection.OpenAsync();
        var found = new Dictionary<Guid, int>();
        foreach (var chunk in ids.Chunk(5000))
        {
            await using var cmd = new NpgsqlCommand("SELECT id, count(*) FROM resources WHERE id = ANY(@ids) GROUP BY id", connection);
            cmd.Parameters.AddWithValue("ids", chunk);
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync()) found[reader.GetGuid(0)] = (int)reader.GetInt64(1);
        }
        return (ids.Count(id => !found.ContainsKey(id)), found.Values.Count(n => n > 1) + (ids.Length - ids.Distinct().Count()));
    }
}
