namespace CriShim.Runtime.Image;

/// <summary>How pulls behave: the progress deadline (<see cref="PullDeadline"/>) and how many layers of one image download at once.</summary>
public sealed record ImagePullSettings(TimeSpan ProgressTimeout, int MaxConcurrentDownloads);
