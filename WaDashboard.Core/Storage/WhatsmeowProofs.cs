using Microsoft.Data.Sqlite;

namespace WaDashboard.Core.Storage;

/// <summary>
/// The proofs a whatsmeow device row carries (schema: store/sqlstore/upgrades/00-latest-schema.sql; read back by
/// <c>scanDevice</c> in store/sqlstore/container.go, which keeps private keys and derives the public ones):
/// <list type="bullet">
/// <item><c>adv_account_sig</c> is the phone's XEdDSA signature (<c>adv_account_sig_key</c>) over [6,0] (hosted: [6,5]) +
/// <c>adv_details</c> + the identity public key — <c>verifyAccountSignature</c> in pair.go;</item>
/// <item><c>adv_device_sig</c> is the identity key's over [6,1] (hosted: [6,6]) + <c>adv_details</c> + identity public key +
/// <c>adv_account_sig_key</c> — <c>generateDeviceSignature</c> in pair.go;</item>
/// <item><c>signed_pre_key_sig</c> is the identity key's over the signed pre-key's public key with its type byte —
/// <c>CreateSignedPreKey</c> in util/keys.</item>
/// </list>
/// Overwritten bytes inside the row pass <c>PRAGMA integrity_check</c>; they do not pass these.
/// </summary>
internal static class WhatsmeowProofs
{
    private static readonly string[] Columns =
        ["jid", "identity_key", "signed_pre_key", "signed_pre_key_sig", "adv_details", "adv_account_sig", "adv_account_sig_key", "adv_device_sig"];

    private static readonly byte[] AccountPrefix = [6, 0];
    private static readonly byte[] DevicePrefix = [6, 1];
    private static readonly byte[] HostedAccountPrefix = [6, 5];
    private static readonly byte[] HostedDevicePrefix = [6, 6];

    public static LoginCheck Check(SqliteConnection connection, string name)
    {
        var present = new HashSet<string>(StringComparer.Ordinal);
        using (var info = connection.CreateCommand())
        {
            info.CommandText = "SELECT name FROM pragma_table_info('whatsmeow_device');";
            using var reader = info.ExecuteReader();
            while (reader.Read())
            {
                present.Add(reader.GetString(0));
            }
        }

        var missing = Columns.Where(c => !present.Contains(c)).ToList();
        if (missing.Count > 0)
        {
            return LoginCheck.Unknown($"{name} holds a device row, but whatsmeow_device lacks {string.Join(", ", missing)} (an older or foreign schema), so its proofs were not checked.");
        }

        var good = new List<string>();
        var broken = new List<string>();
        using var select = connection.CreateCommand();
        select.CommandText = $"SELECT {string.Join(", ", Columns)} FROM whatsmeow_device ORDER BY jid;";
        using (var rows = select.ExecuteReader())
        {
            while (rows.Read())
            {
                var jid = rows.IsDBNull(0) ? "(no jid)" : rows.GetValue(0).ToString();
                var failures = CheckRow(i => rows.IsDBNull(i) ? null : rows.GetValue(i) as byte[]);
                if (failures.Count == 0)
                {
                    good.Add($"device {Mask(jid)}: adv_account_sig, adv_device_sig and signed_pre_key_sig verify");
                }
                else
                {
                    broken.Add($"device {Mask(jid)}: {string.Join("; ", failures)}");
                }
            }
        }

        // A store with several devices is broken only when none of them holds: one good device is a login to keep.
        return broken.Count > 0 && good.Count == 0
            ? LoginCheck.Broken($"The device row in {name} fails its own proofs: {string.Join(" | ", broken)}.")
            : LoginCheck.Good([$"{name}: {string.Join(" | ", good)}.", .. broken.Select(b => $"Also in {name}, failing: {b}.")]);
    }

    /// <summary>What fails in one row (columns in the order of <see cref="Columns"/>); empty when every proof holds.</summary>
    private static List<string> CheckRow(Func<int, byte[]?> column)
    {
        var failures = new List<string>();
        var identityPrivate = column(1);
        var signedPreKey = column(2);
        var preKeySignature = column(3);
        var details = column(4);
        var accountSignature = column(5);
        var accountKey = column(6);
        var deviceSignature = column(7);
        if (identityPrivate is not { Length: 32 } || signedPreKey is not { Length: 32 } || preKeySignature is not { Length: 64 }
            || details is null || accountSignature is not { Length: 64 } || accountKey is not { Length: 32 } || deviceSignature is not { Length: 64 })
        {
            failures.Add("a key or signature column does not have its length (32-byte keys, 64-byte signatures)");
            return failures;
        }

        var identity = CurveSignatures.PublicKeyOf(identityPrivate);
        if (!CurveSignatures.Verify(identity, CurveSignatures.WithType(CurveSignatures.PublicKeyOf(signedPreKey)), preKeySignature))
        {
            failures.Add("signed_pre_key_sig does not verify with the identity key");
        }

        if (!BaileysProofs.AnyVerifies(accountKey, accountSignature, [AccountPrefix, HostedAccountPrefix], details, identity))
        {
            failures.Add("adv_account_sig does not verify with adv_account_sig_key over adv_details and the identity key");
        }

        if (!BaileysProofs.AnyVerifies(identity, deviceSignature, [DevicePrefix, HostedDevicePrefix], details, identity, accountKey))
        {
            failures.Add("adv_device_sig does not verify with the identity key");
        }

        return failures;
    }

    /// <summary>A device JID with the phone number masked ("9725…67:3@s.whatsapp.net").</summary>
    private static string Mask(string? jid)
    {
        if (string.IsNullOrEmpty(jid))
        {
            return "(no jid)";
        }

        var user = jid.Split('@')[0].Split(':')[0].Split('.')[0];
        return user.Length <= 6 ? jid : jid.Replace(user, user[..4] + "…" + user[^2..], StringComparison.Ordinal);
    }
}
