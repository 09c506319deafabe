namespace AddonProvider.Data.Entities;

/// <summary>One Heroku add-on we sell. <see cref="Id"/> is the manifest id and the Basic-auth user.</summary>
public sealed class Product
{
    public required string Id { get; set; }
    public required string Name { get; set; }
    public required string ConfigVarPrefix { get; set; }
    public List<Plan> Plans { get; set; } = [];
}
