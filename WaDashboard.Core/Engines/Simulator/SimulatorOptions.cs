using System.ComponentModel.DataAnnotations;

namespace WaDashboard.Core.Engines.Simulator;

/// <summary>Bound from "Simulator". The defaults follow WhatsApp Web as Baileys sees it.</summary>
public sealed class SimulatorOptions : IValidatableObject
{
    public const string Section = "Simulator";

    public TimeSpan FirstQrLifetime { get; set; } = TimeSpan.FromSeconds(60);

    public TimeSpan QrRefLifetime { get; set; } = TimeSpan.FromSeconds(20);

    [Range(1, 20)]
    public int QrRefs { get; set; } = 6;

    public TimeSpan PairingCodeLifetime { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>How long a start takes before the first QR, pairing code or connection.</summary>
    public TimeSpan StartDelay { get; set; } = TimeSpan.FromMilliseconds(400);

    /// <summary>Pre-key files written into a freshly linked auth folder.</summary>
    [Range(1, 5000)]
    public int PreKeyFiles { get; set; } = 30;

    /// <summary>
    /// Every message the simulated network receives is appended to this file as one JSON line, so what was delivered
    /// survives a crash of the dashboard. Empty means {Storage:DataDirectory}/simulator/received.jsonl; "off" turns it off.
    /// </summary>
    public string ReceivedLog { get; set; } = "";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (FirstQrLifetime <= TimeSpan.Zero || QrRefLifetime <= TimeSpan.Zero || PairingCodeLifetime <= TimeSpan.Zero)
        {
            yield return new ValidationResult("Simulator QR and pairing-code lifetimes must be positive.");
        }

        if (StartDelay < TimeSpan.Zero)
        {
            yield return new ValidationResult("Simulator:StartDelay cannot be negative.");
        }
    }
}
