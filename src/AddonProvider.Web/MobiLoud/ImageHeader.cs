using System.Buffers.Binary;

namespace AddonProvider.Web.MobiLoud;

/// <summary>An image's type and size as its own bytes state them: the PNG IHDR chunk or a JPEG start-of-frame segment.</summary>
public sealed record ImageHeader(string ContentType, int Width, int Height)
{
    public const string Png = "image/png";
    public const string Jpeg = "image/jpeg";

    private static ReadOnlySpan<byte> PngSignature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Null when the bytes are neither a PNG nor a baseline/progressive JPEG with a readable frame header.</summary>
    public static ImageHeader? Read(ReadOnlySpan<byte> bytes) =>
        bytes.StartsWith(PngSignature) ? ReadPng(bytes) : bytes is [0xFF, 0xD8, 0xFF, ..] ? ReadJpeg(bytes) : null;

    private static ImageHeader? ReadPng(ReadOnlySpan<byte> b)
    {
        // Signature, then the first chunk must be IHDR of length 13: width and height as big-endian 31-bit integers.
        if (b.Length < 33 || BinaryPrimitives.ReadUInt32BigEndian(b[8..]) != 13 || !b[12..16].SequenceEqual("IHDR"u8)) return null;
        var width = BinaryPrimitives.ReadUInt32BigEndian(b[16..]);
        var height = BinaryPrimitives.ReadUInt32BigEndian(b[20..]);
        return width is 0 or > int.MaxValue || height is 0 or > int.MaxValue ? null : new(Png, (int)width, (int)height);
    }

    private static ImageHeader? ReadJpeg(ReadOnlySpan<byte> b)
    {
        var i = 2;
        while (i + 4 <= b.Length)
        {
            if (b[i] != 0xFF) return null;
            var marker = b[i + 1];
            if (marker == 0xFF) { i++; continue; } // fill byte
            if (marker is 0x01 or (>= 0xD0 and <= 0xD7)) { i += 2; continue; } // markers without a length
            if (marker is 0xD9 or 0xDA) return null; // end of image or start of scan before any frame header
            var length = BinaryPrimitives.ReadUInt16BigEndian(b[(i + 2)..]);
            if (length < 2) return null;
            // SOF0–SOF15, except DHT (C4), JPG (C8) and DAC (CC): length, precision, height, width.
            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
            {
                if (i + 9 > b.Length || length < 7) return null;
                int height = BinaryPrimitives.ReadUInt16BigEndian(b[(i + 5)..]);
                int width = BinaryPrimitives.ReadUInt16BigEndian(b[(i + 7)..]);
                return width == 0 || height == 0 ? null : new(Jpeg, width, height);
            }
            i += 2 + length;
        }
        return null;
    }
}
