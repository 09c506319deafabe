namespace AddonProvider.Data.Entities;

/// <summary>
/// A resource's Heroku user access list as last read from the Platform API (Heroku's "user access list" article): the
/// billing app, its team when a team owns it, and when the list was last read. <see cref="RefreshedAt"/> is null until
/// a read succeeded; a refused read (403/404) keeps the last entries and only records <see cref="LastError"/>.
/// </summary>
public sealed class AccessList
{
    public Guid ResourceId { get; set; }
    public string? AppId { get; set; }
    public string? AppName { get; set; }
    public string? TeamId { get; set; }
    public string? TeamName { get; set; }
    public DateTime? RefreshedAt { get; set; }
    public DateTime? LastAttemptAt { get; set; }
    public string? LastError { get; set; }
}

/// <summary>One Heroku user with access to a resource's app, from one source (owner, collaborator or team member).</summary>
public sealed class AccessListEntry
{
    public long Id { get; set; }
    public Guid ResourceId { get; set; }
    public string? HerokuUserId { get; set; }
    public required string Email { get; set; }
    /// <summary><see cref="AccessSources"/>: where Heroku said this user's access comes from.</summary>
    public required string Source { get; set; }
    /// <summary>The collaborator's app permissions (view, deploy, operate, manage); empty for owners and team members.</summary>
    public List<string> Permissions { get; set; } = [];
    /// <summary>The collaborator's or team member's role as Heroku names it (owner, admin, member, viewer, collaborator), if any.</summary>
    public string? Role { get; set; }
    public DateTime RefreshedAt { get; set; }
}

public static class AccessSources
{
    public const string Owner = "owner";
    public const string Collaborator = "collaborator";
    public const string TeamMember = "team-member";
}
