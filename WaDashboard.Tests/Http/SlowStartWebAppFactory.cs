namespace WaDashboard.Tests.Http;

/// <summary>The app with a simulator that takes 10 s to show a QR code: longer than a reconnect request waits for one.</summary>
public sealed class SlowStartWebAppFactory() : WebAppFactory(startDelay: TimeSpan.FromSeconds(10));
