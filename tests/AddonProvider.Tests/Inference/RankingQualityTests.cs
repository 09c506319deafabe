using AddonProvider.Web.Inference;
using Xunit.Abstractions;

namespace AddonProvider.Tests.Inference;

/// <summary>
/// The embedded BM25 backend on a small labelled set written for this test: 20 queries over one shared corpus of
/// 30 short documents about running apps on Heroku, each query with the one document a person would pick.
/// </summary>
public sealed class RankingQualityTests(ITestOutputHelper output)
{
    private static readonly string[] Corpus =
    [
        /* 0 */ "Use the heroku ps:scale command to adjust the number of dynos running your application.",
        /* 1 */ "Environment variables can be configured through the Heroku dashboard or CLI with config:set.",
        /* 2 */ "Connection pooling reduces overhead by reusing existing database connections instead of opening new ones.",
        /* 3 */ "Regular database backups are essential for disaster recovery planning; schedule them daily.",
        /* 4 */ "SSL certificates encrypt traffic between clients and your application for secure communication.",
        /* 5 */ "You can view application logs in real time using the heroku logs --tail command.",
        /* 6 */ "Custom domains require DNS configuration, a CNAME record pointing to your Heroku application.",
        /* 7 */ "Release phase tasks run database migrations before a new release is deployed to dynos.",
        /* 8 */ "Rollback to a previous release with heroku releases:rollback if a deploy breaks production.",
        /* 9 */ "Worker dynos process background jobs from a queue such as Redis or PostgreSQL.",
        /* 10 */ "The router terminates requests that take longer than 30 seconds with an H12 timeout error.",
        /* 11 */ "Memory quota exceeded errors (R14) mean a dyno uses more RAM than its size allows.",
        /* 12 */ "Add-ons provide managed services like Postgres, Redis and Kafka attached to your app.",
        /* 13 */ "Pipelines promote a slug from staging to production without rebuilding it.",
        /* 14 */ "Review apps create a temporary application for every pull request on GitHub.",
        /* 15 */ "Buildpacks compile your source code into a slug that dynos can run.",
        /* 16 */ "Procfile declares the process types of your app, such as web and worker commands.",
        /* 17 */ "Autoscaling adds web dynos automatically when response time rises above a threshold.",
        /* 18 */ "Two-factor authentication protects your Heroku account with a second login step.",
        /* 19 */ "Invoices and billing details are shown in the account settings of the dashboard.",
        /* 20 */ "Metrics show response times, throughput and memory usage for each dyno type.",
        /* 21 */ "Scheduler runs one-off tasks at fixed intervals, like a cron job.",
        /* 22 */ "Private spaces isolate apps in a dedicated network with static outbound IP addresses.",
        /* 23 */ "Maintenance mode shows a static page to visitors while you perform upgrades.",
        /* 24 */ "Git push heroku main deploys the latest commit of your repository.",
        /* 25 */ "Webhooks notify an external URL when a release, build or dyno event happens.",
        /* 26 */ "Data clips share the results of a SQL query against your Postgres database.",
        /* 27 */ "Follower databases replicate a leader database for read scaling and failover.",
        /* 28 */ "Session affinity routes a client's requests to the same dyno using a cookie.",
        /* 29 */ "Preboot starts new dynos before stopping old ones so deploys cause no downtime.",
    ];

    private static readonly (string Query, int Relevant)[] Labelled =
    [
        ("How do I scale the number of dynos?", 0),
        ("set an environment variable", 1),
        ("optimize database connection pooling", 2),
        ("how often should I back up my database", 3),
        ("encrypt traffic with SSL certificates", 4),
        ("tail my application logs", 5),
        ("point a custom domain with DNS", 6),
        ("run migrations during release", 7),
        ("roll back a bad deploy", 8),
        ("process background jobs from a queue", 9),
        ("request timeout after 30 seconds", 10),
        ("memory quota exceeded R14", 11),
        ("promote staging to production", 13),
        ("temporary app for each pull request", 14),
        ("what does a Procfile declare", 16),
        ("automatically add dynos when response time is slow", 17),
        ("enable two-factor authentication", 18),
        ("cron job at fixed intervals", 21),
        ("static outbound IP address", 22),
        ("deploy without downtime", 29),
    ];

    [Fact]
    public void Bm25_RanksTheRelevantDocumentFirst_ForMostLabelledQueries()
    {
        var hits = 0;
        double reciprocalRanks = 0;
        foreach (var (query, relevant) in Labelled)
        {
            var scores = Bm25Ranker.Score(query, Corpus);
            var rank = 1 + scores.Count(s => s > scores[relevant]);
            if (rank == 1) hits++;
            reciprocalRanks += 1.0 / rank;
            output.WriteLine($"{(rank == 1 ? "hit " : "miss")} rank {rank,2}  {query}");
            Assert.All(scores, s => Assert.InRange(s, 0, 1));
        }
        var top1 = (double)hits / Labelled.Length;
        output.WriteLine($"top-1 accuracy {hits}/{Labelled.Length} = {top1:P0}; MRR {reciprocalRanks / Labelled.Length:F3}");
        Assert.True(top1 >= 0.8, $"top-1 accuracy {top1:P0} is below 80 %");
    }

    [Theory]
    [InlineData("pooling", "pool")]
    [InlineData("scaling", "scale")]
    [InlineData("queries", "query")]
    [InlineData("connections", "connection")]
    [InlineData("deployed", "deploys")]
    public void Stem_MapsInflectionsToOneForm(string a, string b) =>
        Assert.Equal(Bm25Ranker.Stem(a).ToString(), Bm25Ranker.Stem(b).ToString());

    [Fact]
    public void Score_IsZeroForDocumentsSharingNoTerm_AndStopWordOnlyQueriesStillMatch()
    {
        Assert.Equal([0.0], Bm25Ranker.Score("database", ["unrelated words here"]));
        var scores = Bm25Ranker.Score("the", ["the end", "an end"]);
        Assert.True(scores[0] > scores[1]);
    }
}
