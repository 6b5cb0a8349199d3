using NexOS.Core.Ipc;

namespace NexOS.Tests.Core.Ipc;

/// <summary>Builders and helpers the IPC tests share.</summary>
internal static class IpcKit
{
    public const IpcRights SendReceive = IpcRights.Send | IpcRights.Receive;

    /// <summary>A message with <paramref name="label"/> and the given words (at most four).</summary>
    public static IpcMessage Msg(ulong label, params ulong[] words)
    {
        var message = new IpcMessage { Label = label, WordCount = words.Length };
        message.W0 = words.Length > 0 ? words[0] : 0;
        message.W1 = words.Length > 1 ? words[1] : 0;
        message.W2 = words.Length > 2 ? words[2] : 0;
        message.W3 = words.Length > 3 ? words[3] : 0;
        return message;
    }

    /// <summary>Gives <paramref name="holder"/> a capability; fails the test if it cannot.</summary>
    public static int Give(IpcParticipant holder, IpcObject obj, IpcRights rights, ulong badge = 0)
    {
        IpcStatus status = holder.Capabilities.Insert(obj, rights, badge, out int slot);
        Assert.That(status, Is.EqualTo(IpcStatus.Ok), status.Describe());
        return slot;
    }

    /// <summary>The participants queued from <paramref name="head"/> on, in order.</summary>
    public static List<IpcParticipant> Walk(IpcParticipant? head)
    {
        var list = new List<IpcParticipant>();
        for (IpcParticipant? p = head; p != null; p = p.Next)
        {
            list.Add(p);
            Assert.That(list.Count, Is.LessThan(10_000), "queue has a cycle");
        }

        return list;
    }

    public static void AssertOk(IpcResult result, bool mustBlock, IpcParticipant? woken = null)
    {
        Assert.That(result.Status, Is.EqualTo(IpcStatus.Ok), result.Status.Describe());
        Assert.That(result.MustBlock, Is.EqualTo(mustBlock), "MustBlock");
        Assert.That(result.Woken, Is.SameAs(woken), "Woken");
    }

    public static void AssertFails(IpcResult result, IpcStatus expected)
    {
        Assert.That(result.Status, Is.EqualTo(expected), result.Status.Describe());
        Assert.That(result.MustBlock, Is.False);
        Assert.That(result.Woken, Is.Null);
        Assert.That(result.AlsoWoken, Is.Null);
    }
}
