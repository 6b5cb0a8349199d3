using NexOS.Drivers.Hardware;

namespace NexOS.Tests.Drivers;

[TestFixture]
public sealed class DeviceResourcesTests
{
    [Test]
    public void TheDeviceManagersArgumentIsReadInSlotOrder()
    {
        string[] args = { "virtioblk", "res=m1:0:1000,m4:800:4000,p0:c040:40,q11,c,s" };
        Assert.That(DeviceResources.TryParse(args, out DeviceResources? r), Is.True);
        Assert.That(r!.Entries, Is.EqualTo(new[]
        {
            new DeviceResource(1, ResourceKind.Memory, 1, 0, 0x1000),
            new DeviceResource(2, ResourceKind.Memory, 4, 0x800, 0x4000),
            new DeviceResource(3, ResourceKind.Ports, 0, 0xC040, 0x40),
            new DeviceResource(4, ResourceKind.Interrupt, -1, 11, 0),
            new DeviceResource(5, ResourceKind.Config, -1, 0, 0),
            new DeviceResource(6, ResourceKind.Served, -1, 0, 0),
        }));
        Assert.That(r.Find(ResourceKind.Served)!.Value.Slot, Is.EqualTo(6));
        Assert.That(r.Find(ResourceKind.Interrupt)!.Value.Value, Is.EqualTo(11UL));
    }

    [Test]
    public void TheLastResArgumentCountsAndAFunctionWithoutBarsIsFine()
    {
        Assert.That(DeviceResources.TryParse(new[] { "x", "res=q3", "res=c" }, out DeviceResources? r), Is.True);
        Assert.That(r!.Entries, Has.Count.EqualTo(1));
        Assert.That(r.Entries[0].Kind, Is.EqualTo(ResourceKind.Config));
        Assert.That(r.Find(ResourceKind.Memory), Is.Null);
    }

    [Test]
    public void ANetworkDriverGetsItsWakeNotification()
    {
        Assert.That(DeviceResources.TryParse(new[] { "virtionet", "res=m4:0:4000,c,s,w" }, out DeviceResources? r), Is.True);
        Assert.That(r!.Find(ResourceKind.Wake), Is.EqualTo(new DeviceResource(4, ResourceKind.Wake, -1, 0, 0)));
    }

    [TestCase("res=w1")]
    [TestCase("virtioblk")]
    [TestCase("res=")]
    [TestCase("res=m1:0")]
    [TestCase("res=m1:0:0")]
    [TestCase("res=m6:0:1000")]
    [TestCase("res=m-1:0:1000")]
    [TestCase("res=m+1:0:1000")]
    [TestCase("res=m 1:0:1000")]
    [TestCase("res=m1:xyz:1000")]
    [TestCase("res=m1:0:1000:5")]
    [TestCase("res=m1:0:10000000000000000")]
    [TestCase("res=p0:c040")]
    [TestCase("res=q")]
    [TestCase("res=q256")]
    [TestCase("res=q-1")]
    [TestCase("res=c1")]
    [TestCase("res=s,")]
    [TestCase("res=,c")]
    [TestCase("res=z")]
    [TestCase("res=c,c,c,c,c,c,c,c,c,c,c,c,c")]
    public void AMalformedArgumentIsRefusedWhole(string arg)
    {
        Assert.That(DeviceResources.TryParse(new[] { "driver", arg }, out DeviceResources? r), Is.False);
        Assert.That(r, Is.Null);
    }
}
