using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using WaDashboard.Core.Engines;
using WaDashboard.Core.Sessions;

namespace WaDashboard.Core.Messaging;

/// <summary>
/// Moves a sent message on when its engine reports a receipt: Sent → Delivered (the recipient's phone has it) → Read
/// (read or played). Never backwards, and never for a message that is not sent. A receipt may come before the send's
/// own "Sent" is committed, so one that finds no sent message is looked for again a few times, a second apart.
/// </summary>
public sealed class DeliveryReceipts(IOutboxStore store, FleetEvents events, TimeProvider time, ILogger<DeliveryReceipts> logger) : BackgroundService
{
    private static readonly TimeSpan RetryPause = TimeSpan.FromSeconds(1);
    private const int Lookups = 4;

    private readonly Channel<MessageAcknowledged> _receipts = Channel.CreateBounded<MessageAcknowledged>(new BoundedChannelOptions(10_000)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.DropOldest,
    });

    /// <summary>The status a receipt moves a message to, or null when it says nothing new (WhatsApp's ack names).</summary>
    public static OutboxStatus? StatusOf(string ack) => ack.ToUpperInvariant() switch
    {
        "DEVICE" or "DELIVERED" or "DELIVERY_ACK" or "2" => OutboxStatus.Delivered,
        "READ" or "PLAYED" or "3" or "4" => OutboxStatus.Read,
        _ => null,
    };

    /// <summary>Whether <paramref name="next"/> is further along than <paramref name="current"/> for a sent message.</summary>
    public static bool MovesOn(OutboxStatus current, OutboxStatus next) => (current, next) switch
    {
        (OutboxStatus.Sent, OutboxStatus.Delivered or OutboxStatus.Read) => true,
        (OutboxStatus.Delivered, OutboxStatus.Read) => true,
        _ => false,
    };

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var subscription = events.Subscribe(e =>
        {
            if (e is MessageAckObserved observed && StatusOf(observed.Ack.Ack) is not null)
            {
                _receipts.Writer.TryWrite(observed.Ack);
            }
        });
        try
        {
            await foreach (var receipt in _receipts.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await ApplyAsync(receipt, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogWarning(ex, "Receipt {Ack} for a message of {AccountId} not applied", receipt.Ack, receipt.AccountId);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task ApplyAsync(MessageAcknowledged receipt, CancellationToken cancellationToken)
    {
        var next = StatusOf(receipt.Ack)!.Value;
        for (var lookup = 1; lookup <= Lookups; lookup++)
        {
            var message = await store.FindByEngineIdAsync(receipt.AccountId, receipt.MessageId, cancellationToken);
            if (message is not null && message.Status is not (OutboxStatus.Pending or OutboxStatus.Sending))
            {
                if (!MovesOn(message.Status, next))
                {
                    return;
                }

                var moved = message with { Status = next, UpdatedAt = time.GetUtcNow() };
                await store.SaveAsync(moved, cancellationToken);
                events.Publish(new OutboxChanged(moved.AccountId, moved.Id, moved.Status));
                logger.LogDebug("Message {MessageId} of {AccountId} is {Status}", moved.Id, moved.AccountId, moved.Status);
                return;
            }

            await Task.Delay(RetryPause, time, cancellationToken);
        }

        logger.LogDebug("Receipt {Ack} for {EngineMessageId} of {AccountId} matches no sent message", receipt.Ack, receipt.MessageId, receipt.AccountId);
    }
}
