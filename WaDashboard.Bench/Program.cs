using WaDashboard.Bench.Running;

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

return await BenchCommand.RunAsync(args, Console.Out, cancel.Token);
