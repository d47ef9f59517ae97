using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace WaDashboard.Core.Persistence;

/// <summary>
/// One bounded queue of changes and the one loop that commits them in batches (up to <c>maxBatch</c> per commit):
/// each caller's <see cref="WriteAsync"/> completes when its change is committed, or fails with its batch's error.
/// When the host stops, what is already queued is still committed. Every commit's outcome feeds
/// <see cref="DatabaseHealth"/>, so a database that stops taking writes is noticed at the first failed batch.
/// </summary>
internal sealed class BatchedWriter<T>(int maxBatch, Func<IReadOnlyList<T>, Task> commit, ILogger logger, string changes, DatabaseHealth? health = null)
{
    private sealed record Pending(T Item, TaskCompletionSource Done);

    private readonly Channel<Pending> _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(20_000)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    public async Task WriteAsync(T item, CancellationToken cancellationToken)
    {
        var pending = new Pending(item, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        await _queue.Writer.WriteAsync(pending, cancellationToken);
        await pending.Done.Task.WaitAsync(cancellationToken);
    }

    /// <summary>No more writes are taken; <see cref="RunAsync"/> commits what is queued and returns.</summary>
    public void Complete() => _queue.Writer.TryComplete();

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        var batch = new List<Pending>(maxBatch);
        var items = new List<T>(maxBatch);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                await DrainAsync(batch, items);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Host stopping: commit what is already queued.
            await DrainAsync(batch, items);
        }
    }

    private async Task DrainAsync(List<Pending> batch, List<T> items)
    {
        while (true)
        {
            batch.Clear();
            items.Clear();
            while (batch.Count < maxBatch && _queue.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
                items.Add(pending.Item);
            }

            if (batch.Count == 0)
            {
                return;
            }

            try
            {
                await commit(items);
                health?.Observe(new CommitSucceeded());
                foreach (var pending in batch)
                {
                    pending.Done.TrySetResult();
                }
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Saving {Count} {Changes} failed", batch.Count, changes);
                health?.Observe(new CommitFailed(DatabaseHealth.DescribeCommitFailure(ex)));
                foreach (var pending in batch)
                {
                    pending.Done.TrySetException(ex);
                }
            }
        }
    }
}
