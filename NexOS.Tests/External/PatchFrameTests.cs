using NexOS.Security.External;

namespace NexOS.Tests.External;

/// <summary>The serial framing: round trips, each kind of hostile framing with its error, and
/// resynchronisation onto the next good frame.</summary>
[TestFixture]
public class PatchFrameTests
{
    [Test]
    public void Crc32MatchesTheStandardCheckValue()
    {
        Assert.That(Crc32.Compute("123456789"u8), Is.EqualTo(0xCBF43926u));
        Assert.That(Crc32.Compute(ReadOnlySpan<byte>.Empty), Is.Zero);
    }

    [Test]
    public void FramesRoundTripWhetherFedWholeOrByteByByte()
    {
        byte[] payload = Payload(1000, 1);
        byte[] frame = PatchFrame.Encode(PatchFrameType.Patch, 77, payload);
        Assert.That(frame, Has.Length.EqualTo(PatchFrame.HeaderLength + 1000 + 4));

        var whole = new FrameLog();
        new PatchFrameDecoder(whole).Feed(frame);
        var single = new FrameLog();
        var decoder = new PatchFrameDecoder(single);
        foreach (byte b in frame)
        {
            decoder.Feed(b);
        }

        foreach (FrameLog log in new[] { whole, single })
        {
            Assert.That(log.Events, Is.EqualTo(new[] { "frame Patch 77 1000" }));
            Assert.That(log.Payloads[0], Is.EqualTo(payload));
        }

        Assert.That(decoder.InFrame, Is.False);
        Assert.That(decoder.DroppedBytes, Is.Zero);
    }

    [Test]
    public void EmptyPayloadsAndBackToBackFramesWork()
    {
        var log = new FrameLog();
        var decoder = new PatchFrameDecoder(log);
        decoder.Feed(Concat(PatchFrame.Encode(PatchFrameType.Ack, 1, "ok"u8), PatchFrame.Encode(PatchFrameType.Nak, 2, ReadOnlySpan<byte>.Empty)));
        Assert.That(log.Events, Is.EqualTo(new[] { "frame Ack 1 2", "frame Nak 2 0" }));
    }

    [Test]
    public void GarbageBeforeAFrameIsReportedOnceAndSkipped()
    {
        var log = new FrameLog();
        var decoder = new PatchFrameDecoder(log);
        decoder.Feed(Concat("hello NX NXP world\r\n"u8.ToArray(), PatchFrame.Encode(PatchFrameType.Patch, 5, "abc"u8)));
        Assert.That(log.Events, Is.EqualTo(new[] { "error Garbage 0: skipped 20 bytes that were not part of a frame", "frame Patch 5 3" }));
        Assert.That(decoder.DroppedBytes, Is.EqualTo(20UL));
    }

    [Test]
    public void ABadHeaderCrcIsReportedAndTheNextFrameStillArrives()
    {
        byte[] bad = PatchFrame.Encode(PatchFrameType.Patch, 5, Payload(40, 2));
        bad[8] ^= 0x01; // the length: only the header CRC can tell
        var log = Decode(Concat(bad, PatchFrame.Encode(PatchFrameType.Patch, 6, "x"u8)));
        Assert.That(log.Events[0], Does.StartWith("error BadHeader 0: frame header CRC-32 mismatch"));
        Assert.That(log.Events[^1], Is.EqualTo("frame Patch 6 1"));
    }

    [Test]
    public void ABadPayloadCrcIsReportedWithTheSequenceAndTheNextFrameStillArrives()
    {
        byte[] bad = PatchFrame.Encode(PatchFrameType.Patch, 9, Payload(300, 3));
        bad[PatchFrame.HeaderLength + 17] ^= 0x40;
        var log = Decode(Concat(bad, PatchFrame.Encode(PatchFrameType.Patch, 10, "y"u8)));
        Assert.That(log.Events, Has.Count.EqualTo(2));
        Assert.That(log.Events[0], Does.Match("^error BadChecksum 9: frame 9: payload CRC-32 0x[0-9a-f]{8} does not match 0x[0-9a-f]{8} in the frame$"));
        Assert.That(log.Events[1], Is.EqualTo("frame Patch 10 1"));
    }

    [Test]
    public void AnOversizeLengthIsRefusedAtTheHeaderWithoutWaitingForThePayload()
    {
        byte[] header = PatchFrame.Encode(PatchFrameType.Patch, 3, ReadOnlySpan<byte>.Empty).AsSpan(0, PatchFrame.HeaderLength).ToArray();
        BitConverter.TryWriteBytes(header.AsSpan(7), (uint)PatchFrame.MaxPayload + 1);
        BitConverter.TryWriteBytes(header.AsSpan(11), Crc32.Compute(header.AsSpan(0, 11)));
        var log = Decode(Concat(header, PatchFrame.Encode(PatchFrameType.Patch, 4, "z"u8)));
        Assert.That(log.Events[0], Is.EqualTo($"error Oversize 3: frame 3: payload of {PatchFrame.MaxPayload + 1} bytes exceeds the limit of {PatchFrame.MaxPayload}"));
        Assert.That(log.Events[^1], Is.EqualTo("frame Patch 4 1"));
    }

    [Test]
    public void AnUnknownTypeIsRefused()
    {
        byte[] frame = PatchFrame.Encode(PatchFrameType.Patch, 12, "q"u8);
        frame[4] = 9;
        BitConverter.TryWriteBytes(frame.AsSpan(11), Crc32.Compute(frame.AsSpan(0, 11)));
        Assert.That(Decode(frame).Events[0], Is.EqualTo("error UnknownType 12: frame 12: unknown frame type 9"));
    }

    [Test]
    public void ATruncatedFrameIsReportedWhenTheLineGoesQuiet()
    {
        byte[] frame = PatchFrame.Encode(PatchFrameType.Patch, 21, Payload(100, 4));
        var log = new FrameLog();
        var decoder = new PatchFrameDecoder(log);
        decoder.Feed(frame.AsSpan(0, 60));
        Assert.That(log.Events, Is.Empty);
        Assert.That(decoder.InFrame, Is.True);
        decoder.Expire();
        Assert.That(log.Events, Is.EqualTo(new[] { "error Truncated 21: frame cut off: 60 of 119 bytes arrived before the line went quiet" }));
        Assert.That(decoder.InFrame, Is.False);

        decoder.Feed(frame);
        Assert.That(log.Events[^1], Is.EqualTo("frame Patch 21 100"));
    }

    [Test]
    public void AGoodFrameSwallowedByATruncatedOneIsRecoveredOnExpiry()
    {
        byte[] cut = PatchFrame.Encode(PatchFrameType.Patch, 1, Payload(500, 5)).AsSpan(0, 200).ToArray();
        var log = new FrameLog();
        var decoder = new PatchFrameDecoder(log);
        decoder.Feed(Concat(cut, PatchFrame.Encode(PatchFrameType.Patch, 2, Payload(50, 6))));
        Assert.That(log.Events, Is.Empty, "the good frame is still inside the first frame's declared length");
        decoder.Expire();
        Assert.That(log.Events, Is.EqualTo(new[] { "error Truncated 1: frame cut off: 269 of 519 bytes arrived before the line went quiet", "frame Patch 2 50" }));
    }

    [Test]
    public void RandomGarbageNeverCrashesAndAGoodFrameAlwaysGetsThroughAfterExpiry()
    {
        var random = new Random(1234);
        byte[] good = PatchFrame.Encode(PatchFrameType.Patch, 4242, Payload(64, 7));
        for (int round = 0; round < 3000; round++)
        {
            var log = new FrameLog();
            var decoder = new PatchFrameDecoder(log);
            byte[] noise = new byte[random.Next(0, 400)];
            random.NextBytes(noise);
            if (round % 3 == 0)
            {
                // Sprinkle markers and marker prefixes so the decoder sees plausible starts.
                for (int i = 0; i + 4 < noise.Length; i += random.Next(4, 40))
                {
                    "NXPF"u8.Slice(0, random.Next(1, 5)).CopyTo(noise.AsSpan(i));
                }
            }

            decoder.Feed(noise);
            decoder.Expire();
            Assert.That(decoder.InFrame, Is.False);
            int before = log.Payloads.Count;
            decoder.Feed(good);
            Assert.That(log.Payloads, Has.Count.EqualTo(before + 1), $"round {round}");
            Assert.That(log.Payloads[^1], Is.EqualTo(Payload(64, 7)));
        }
    }

    [Test]
    public void MutatedFrameStreamsNeverCrashAndNeverDeliverACorruptPayload()
    {
        var random = new Random(99);
        for (int round = 0; round < 2000; round++)
        {
            byte[] payload = Payload(random.Next(0, 300), round);
            byte[] stream = Concat(PatchFrame.Encode(PatchFrameType.Patch, 1, payload), PatchFrame.Encode(PatchFrameType.Patch, 2, payload));
            for (int flips = random.Next(1, 4); flips > 0; flips--)
            {
                stream[random.Next(stream.Length)] ^= (byte)(1 << random.Next(8));
            }

            var log = new FrameLog();
            var decoder = new PatchFrameDecoder(log);
            decoder.Feed(stream.AsSpan(0, random.Next(stream.Length + 1)));
            decoder.Expire();
            foreach (byte[] delivered in log.Payloads)
            {
                // A CRC-32 catches every error of up to three bit flips in frames of this size.
                Assert.That(delivered, Is.EqualTo(payload), $"round {round}");
            }
        }
    }

    private static FrameLog Decode(byte[] bytes)
    {
        var log = new FrameLog();
        var decoder = new PatchFrameDecoder(log);
        decoder.Feed(bytes);
        decoder.Expire();
        return log;
    }

    private static byte[] Payload(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static byte[] Concat(params byte[][] parts)
    {
        var all = new List<byte>();
        foreach (byte[] part in parts)
        {
            all.AddRange(part);
        }

        return all.ToArray();
    }

    private sealed class FrameLog : IPatchFrameHandler
    {
        public List<string> Events { get; } = new();

        public List<byte[]> Payloads { get; } = new();

        public void OnFrame(PatchFrameType type, ushort sequence, ReadOnlySpan<byte> payload)
        {
            Events.Add($"frame {type} {sequence} {payload.Length}");
            Payloads.Add(payload.ToArray());
        }

        public void OnError(PatchFrameError error, ushort sequence, string message)
            => Events.Add($"error {PatchFrame.Name(error)} {sequence}: {message}");
    }
}
