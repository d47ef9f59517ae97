using QRCoder;

namespace WaDashboard.Web.Components.Shared;

/// <summary>Renders QR values with QRCoder: SVG markup for the pages, PNG for the API.</summary>
public sealed class QrCodeRenderer
{
    public string ToSvg(string value)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(value, QRCodeGenerator.ECCLevel.L);
        return new SvgQRCode(data).GetGraphic(8, "#000000", "#ffffff", true, SvgQRCode.SizingMode.ViewBoxAttribute);
    }

    public byte[] ToPng(string value)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(value, QRCodeGenerator.ECCLevel.L);
        return new PngByteQRCode(data).GetGraphic(6);
    }
}
