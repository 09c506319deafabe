using System.Buffers.Binary;
using System.IO.Compression;

namespace AddonProvider.Tests.Dashboard;

/// <summary>Real image files made in the test: a solid-colour PNG (any size), and a JPEG's header with a frame size.</summary>
public static class TestImages
{
    public static byte[] Png(int width, int height, byte r = 0x5b, byte g = 0x21, byte b = 0xb6)
    {
        using var raw = new MemoryStream();
        var row = new byte[1 + width * 3];
        for (var x = 0; x < width; x++) (row[1 + x * 3], row[2 + x * 3], row[3 + x * 3]) = (r, g, b);
        using (var z = new ZLibStream(raw, CompressionLevel.Fastest, leaveOpen: true))
            for (var y = 0; y < height; y++) z.Write(row);
        using var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; ihdr[9] = 2; // 8-bit RGB
        Chunk(png, "IHDR", ihdr);
        Chunk(png, "IDAT", raw.ToArray());
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    /// <summary>SOI, an APP0 (JFIF) segment, then a baseline SOF0 frame header naming the size; padded to <paramref name="length"/>.</summary>
    public static byte[] JpegHeader(int width, int height, int length = 4096)
    {
        var bytes = new byte[Math.Max(length, 64)];
        byte[] head =
        [
            0xFF, 0xD8,
            0xFF, 0xE0, 0x00, 0x10, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0,
            0xFF, 0xC0, 0x00, 0x11, 8, (byte)(height >> 8), (byte)height, (byte)(width >> 8), (byte)width, 3,
        ];
        head.CopyTo(bytes, 0);
        return bytes;
    }

    /// <summary>The bytes, then zeros up to <paramref name="length"/>: the header still says what it is, the file is just big.</summary>
    public static byte[] PaddedTo(byte[] bytes, int length)
    {
        var padded = new byte[length];
        bytes.CopyTo(padded, 0);
        return padded;
    }

    private static void Chunk(Stream s, string type, byte[] data)
    {
        Span<byte> len = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(len, data.Length);
        s.Write(len);
        var typed = new byte[4 + data.Length];
        System.Text.Encoding.ASCII.GetBytes(type).CopyTo(typed, 0);
        data.CopyTo(typed, 4);
        s.Write(typed);
        BinaryPrimitives.WriteUInt32BigEndian(len, Crc32(typed));
        s.Write(len);
    }

    private static uint Crc32(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }
}
