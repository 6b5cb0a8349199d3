using NexOS.Net;

namespace NexOS.Tests.Net;

[TestFixture]
public sealed class ArpCacheTests
{
    private const ulong Second = 1_000_000_000;
    private static readonly Ipv4Address s_gateway = new(0x0A000202);
    private static readonly MacAddress s_gatewayMac = new(0x5255_0A00_0202);

    [Test]
    public void AnUnknownAddressIsRequestedThenResolvedByTheReply()
    {
        var cache = new ArpCache();
        Assert.That(cache.Lookup(s_gateway, 0, out _), Is.EqualTo(ArpResult.SendRequest));
        Assert.That(cache.Lookup(s_gateway, Second / 2, out _), Is.EqualTo(ArpResult.Waiting));
        Assert.That(cache.Learn(s_gateway, s_gatewayMac, Second / 2, create: false), Is.True, "the reply to our request");
        Assert.That(cache.Lookup(s_gateway, Second, out MacAddress mac), Is.EqualTo(ArpResult.Resolved));
        Assert.That(mac, Is.EqualTo(s_gatewayMac));
    }

    [Test]
    public void UnansweredRequestsAreRetriedThenTheHostIsUnreachableThenForgotten()
    {
        var cache = new ArpCache(lifetimeNs: 60 * Second, retryNs: Second, maxRequests: 3);
        Assert.That(cache.Lookup(s_gateway, 0, out _), Is.EqualTo(ArpResult.SendRequest));
        Assert.That(cache.Lookup(s_gateway, 1 * Second, out _), Is.EqualTo(ArpResult.SendRequest));
        Assert.That(cache.Lookup(s_gateway, 2 * Second, out _), Is.EqualTo(ArpResult.SendRequest));
        Assert.That(cache.Lookup(s_gateway, 3 * Second, out _), Is.EqualTo(ArpResult.Unreachable));
        Assert.That(cache.Lookup(s_gateway, 10 * Second, out _), Is.EqualTo(ArpResult.Unreachable), "no request storm while it stays silent");
        Assert.That(cache.Lookup(s_gateway, 70 * Second, out _), Is.EqualTo(ArpResult.Unreachable), "forgotten after this");
        Assert.That(cache.Lookup(s_gateway, 71 * Second, out _), Is.EqualTo(ArpResult.SendRequest), "asked again from scratch");
    }

    [Test]
    public void AnEntryExpiresAndIsAskedForAgain()
    {
        var cache = new ArpCache(lifetimeNs: 60 * Second);
        cache.Learn(s_gateway, s_gatewayMac, 0, create: true);
        Assert.That(cache.Lookup(s_gateway, 59 * Second, out _), Is.EqualTo(ArpResult.Resolved));
        Assert.That(cache.Lookup(s_gateway, 60 * Second, out _), Is.EqualTo(ArpResult.SendRequest));
    }

    [Test]
    public void AStrangersPacketDoesNotMakeAnEntryUnlessItWasForUs()
    {
        var cache = new ArpCache();
        Assert.That(cache.Learn(s_gateway, s_gatewayMac, 0, create: false), Is.False);
        Assert.That(cache.Count, Is.Zero);
        Assert.That(cache.Learn(s_gateway, s_gatewayMac, 0, create: true), Is.True);
        Assert.That(cache.Count, Is.EqualTo(1));
    }

    [Test]
    public void BogusAddressesAreNotLearned()
    {
        var cache = new ArpCache();
        Assert.That(cache.Learn(s_gateway, MacAddress.Broadcast, 0, true), Is.False);
        Assert.That(cache.Learn(s_gateway, new MacAddress(0), 0, true), Is.False);
        Assert.That(cache.Learn(Ipv4Address.Broadcast, s_gatewayMac, 0, true), Is.False);
        Assert.That(cache.Learn(Ipv4Address.Any, s_gatewayMac, 0, true), Is.False);
        Assert.That(cache.Learn(new Ipv4Address(0xE0000001), s_gatewayMac, 0, true), Is.False);
        Assert.That(cache.Count, Is.Zero);
    }

    [Test]
    public void AFloodCannotGrowItPastItsCapacityAndTheOldestGoesFirst()
    {
        var cache = new ArpCache(capacity: 8);
        for (uint i = 0; i < 1000; i++)
        {
            cache.Learn(new Ipv4Address(0x0A000000 + i), new MacAddress(0x0200_0000_0000UL + i), i, create: true);
        }

        Assert.That(cache.Count, Is.EqualTo(8));
        Assert.That(cache.Lookup(new Ipv4Address(0x0A000000 + 999), 1000, out _), Is.EqualTo(ArpResult.Resolved));
        Assert.That(cache.Lookup(new Ipv4Address(0x0A000000 + 991), 1000, out _), Is.EqualTo(ArpResult.SendRequest), "evicted long ago");
        Assert.That(cache.Resolved(1000), Has.Count.EqualTo(7), "one slot now holds the pending request");
    }
}
