namespace CriShim.Ctl.Commands;

/// <summary>crictl's CREATED column: "12 seconds ago", "3 minutes ago"...</summary>
internal static class TimeAgo
{
    public static string From(long unixNanos)
    {
        var age = DateTimeOffset.UtcNow - DateTimeOffset.FromUnixTimeMilliseconds(unixNanos / 1_000_000);
        return age.TotalMinutes < 1 ? $"{(int)age.TotalSeconds} seconds ago"
            : age.TotalHours < 1 ? $"{(int)age.TotalMinutes} minutes ago"
            : age.TotalDays < 1 ? $"{(int)age.TotalHours} hours ago"
            : $"{(int)age.TotalDays} days ago";
    }
}
