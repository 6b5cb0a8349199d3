using System.Linq;
using NexOS.Core.Ipc;
using static NexOS.Tests.Core.Ipc.IpcKit;

namespace NexOS.Tests.Core.Ipc;

/// <summary>
/// Every subset of the rights flags, on a capability inserted, derived, minted with a badge or
/// derived twice, against every operation: exactly the operations whose rights the subset
/// holds succeed, and the others are refused with InsufficientRights. What each operation needs
/// comes from the table below, written from the contract in <see cref="IpcRights"/> rather than
/// from the code, so a check that asks for the wrong rights disagrees with it.
/// </summary>
[TestFixture]
public sealed class IpcRightsMatrixTests
{
    private const IpcRights Send = IpcRights.Send;
    private const IpcRights Receive = IpcRights.Receive;
    private const IpcRights Grant = IpcRights.Grant;

    private static readonly string[] s_origins = { "inserted", "derived", "minted", "derived twice" };

    // What each operation needs of the capability under test. The two replies use it for the
    // call they answer: any reply needs the call to have been allowed, and a reply may grant a
    // buffer only if the call's capability could have granted one itself.
    private static readonly (string Operation, IpcRights Needs)[] s_table =
    {
        ("send", Send),
        ("send a grant", Send | Grant),
        ("try-send", Send),
        ("call", Send),
        ("call with a grant", Send | Grant),
        ("receive", Receive),
        ("reply-receive", Receive),
        ("reply", Send),
        ("reply with a grant", Send | Grant),
        ("signal", IpcRights.Signal),
        ("wait", IpcRights.Wait),
        ("poll", IpcRights.Wait),
        ("delete", IpcRights.None),
    };

    private static readonly IpcMessage s_grant = new()
    {
        Label = 2,
        GrantAddress = 0x10_0000,
        GrantLength = 4096,
        GrantRights = IpcGrantRights.Read,
    };

    private static IEnumerable<IpcRights> Subsets => Enumerable.Range(0, (int)IpcRights.All + 1).Select(bits => (IpcRights)bits);

    [TestCaseSource(nameof(s_origins))]
    public void EachOperationSucceedsExactlyWhenTheCapabilityHoldsWhatItNeeds(string origin)
    {
        var wrong = new List<string>();
        foreach (IpcRights rights in Subsets)
        {
            foreach ((string operation, IpcRights needs) in s_table)
            {
                IpcStatus expected = (needs & ~rights) == 0 ? IpcStatus.Ok : IpcStatus.InsufficientRights;
                IpcStatus status = Run(operation, origin, rights);
                if (status != expected)
                {
                    wrong.Add($"{operation} with [{rights}]: {status.Describe()}, expected {expected.Describe()}");
                }
            }
        }

        Assert.That(wrong, Is.Empty);
    }

    [TestCaseSource(nameof(s_origins))]
    public void NoRightsMakeOneKindOfObjectServeAsTheOther(string origin)
    {
        foreach (IpcRights rights in Subsets)
        {
            var p = new IpcParticipant();
            int endpoint = Make(p, new Endpoint(), rights, origin);
            int notification = Make(p, new Notification(), rights, origin);
            AssertFails(Endpoint.Send(p, notification, Msg(1)), IpcStatus.WrongObjectType);
            AssertFails(Endpoint.Call(p, notification, Msg(1)), IpcStatus.WrongObjectType);
            AssertFails(Endpoint.Receive(p, notification), IpcStatus.WrongObjectType);
            AssertFails(Notification.Signal(p, endpoint, 1), IpcStatus.WrongObjectType);
            AssertFails(Notification.Wait(p, endpoint), IpcStatus.WrongObjectType);
            AssertFails(Notification.Poll(p, endpoint), IpcStatus.WrongObjectType);
        }
    }

    [TestCaseSource(nameof(s_origins))]
    public void ADerivationSucceedsExactlyWhenItAsksForASubset(string origin)
    {
        var wrong = new List<string>();
        foreach (IpcRights rights in Subsets)
        {
            foreach (IpcRights asked in Subsets)
            {
                var p = new IpcParticipant();
                int source = Make(p, new Endpoint(), rights, origin);
                p.Capabilities.Lookup(source, IpcRights.None, out Endpoint? _, out ulong badge);
                IpcStatus status = p.Capabilities.Derive(source, asked, badge, out int copy);
                bool allowed = (asked & ~rights) == 0;
                if (status != (allowed ? IpcStatus.Ok : IpcStatus.InsufficientRights) || (allowed && p.Capabilities.RightsAt(copy) != asked))
                {
                    wrong.Add($"[{rights}] to [{asked}]: {status.Describe()}");
                }
            }
        }

        Assert.That(wrong, Is.Empty);
    }

    /// <summary>Runs one operation in a fresh world through a capability with
    /// <paramref name="rights"/>, and returns the first status that is not Ok (or Ok).</summary>
    private static IpcStatus Run(string operation, string origin, IpcRights rights)
    {
        var holder = new IpcParticipant();
        var partner = new IpcParticipant();
        var endpoint = new Endpoint();
        var notification = new Notification();
        switch (operation)
        {
            case "send":
                return Endpoint.Send(holder, Make(holder, endpoint, rights, origin), Msg(1)).Status;
            case "send a grant":
                return Endpoint.Send(holder, Make(holder, endpoint, rights, origin), s_grant).Status;
            case "try-send":
                Endpoint.Receive(partner, Give(partner, endpoint, Receive));
                return Endpoint.TrySend(holder, Make(holder, endpoint, rights, origin), Msg(1)).Status;
            case "call":
                return Endpoint.Call(holder, Make(holder, endpoint, rights, origin), Msg(1)).Status;
            case "call with a grant":
                return Endpoint.Call(holder, Make(holder, endpoint, rights, origin), s_grant).Status;
            case "receive":
                return Endpoint.Receive(holder, Make(holder, endpoint, rights, origin)).Status;
            case "reply-receive":
                // The holder takes a call through a capability of its own, then answers it and
                // receives again through the one under test.
                Endpoint.Call(partner, Give(partner, endpoint, Send), Msg(1));
                Endpoint.Receive(holder, Give(holder, endpoint, Receive));
                return Endpoint.ReplyReceive(holder, Make(holder, endpoint, rights, origin), Msg(2)).Status;
            case "reply":
            case "reply with a grant":
                Endpoint.Receive(partner, Give(partner, endpoint, Receive));
                IpcStatus call = Endpoint.Call(holder, Make(holder, endpoint, rights, origin), Msg(1)).Status;
                return call != IpcStatus.Ok ? call : Endpoint.Reply(partner, operation == "reply" ? Msg(2) : s_grant).Status;
            case "signal":
                return Notification.Signal(holder, Make(holder, notification, rights, origin), 1).Status;
            case "wait":
                return Notification.Wait(holder, Make(holder, notification, rights, origin)).Status;
            case "poll":
                notification.Raise(1);
                return Notification.Poll(holder, Make(holder, notification, rights, origin)).Status;
            default:
                return holder.Capabilities.Delete(Make(holder, endpoint, rights, origin));
        }
    }

    /// <summary>A capability to <paramref name="obj"/> with exactly <paramref name="rights"/>,
    /// made the way <paramref name="origin"/> says. Copies' sources are deleted, so the rights
    /// an operation sees can only be the copy's own.</summary>
    private static int Make(IpcParticipant holder, IpcObject obj, IpcRights rights, string origin)
    {
        if (origin == "inserted")
        {
            return Give(holder, obj, rights);
        }

        int all = Give(holder, obj, IpcRights.All);
        ulong badge = origin == "derived" ? 0UL : 0x77;
        if (origin == "derived twice")
        {
            all = Copy(holder, all, IpcRights.All, badge);
        }

        return Copy(holder, all, rights, badge);
    }

    private static int Copy(IpcParticipant holder, int source, IpcRights rights, ulong badge)
    {
        Assert.That(holder.Capabilities.Derive(source, rights, badge, out int copy), Is.EqualTo(IpcStatus.Ok));
        Assert.That(holder.Capabilities.Delete(source), Is.EqualTo(IpcStatus.Ok));
        return copy;
    }
}
