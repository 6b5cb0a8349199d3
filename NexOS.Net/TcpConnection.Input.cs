namespace NexOS.Net;

/// <summary>Segment arrival (RFC 9293, 3.10.7).</summary>
public sealed partial class TcpConnection
{
    private SeqNum _irs;
    private SeqNum _rcvNxt;
    private bool _finReceived;
    private bool _peerFinPending;
    private SeqNum _peerFinSeq;
    private bool _windowScaleOk;
    private int _sndScale;
    private int _rcvScale;
    private int _mss = DefaultMss;
    private ulong _lastHeard;
    private int _segmentsSinceAck;

    /// <summary>Starts an active open: the SYN goes out now.</summary>
    internal void Open(ulong now)
    {
        Enter(TcpState.SynSent);
        SendSyn(now);
    }

    /// <summary>Starts a passive open from a listener for <paramref name="syn"/>: the SYN-ACK
    /// goes out now.</summary>
    internal void Accept(in TcpHeader syn, ulong now)
    {
        TakeSynOptions(in syn);
        _irs = syn.Sequence;
        _rcvNxt = syn.Sequence + 1;
        _sndWnd = syn.Window; // never scaled in a SYN
        _sndWl1 = syn.Sequence;
        Enter(TcpState.SynReceived);
        SendSyn(now);
    }

    /// <summary>Handles one segment for this connection.</summary>
    internal void Receive(in TcpHeader h, ReadOnlySpan<byte> data, ulong now)
    {
        _lastHeard = now;
        _keepProbes = 0;
        if (State == TcpState.SynSent)
        {
            ReceiveInSynSent(in h, now);
            return;
        }

        if (State == TcpState.Closed)
        {
            return;
        }

        uint segLength = (uint)data.Length + (h.Has(TcpFlags.Syn) ? 1u : 0) + (h.Has(TcpFlags.Fin) ? 1u : 0);
        if (!Acceptable(h.Sequence, segLength))
        {
            if (!h.Has(TcpFlags.Rst))
            {
                _ackNow = true;
                Output(now);
            }

            return;
        }

        if (h.Has(TcpFlags.Rst))
        {
            // RFC 5961: only a reset at exactly the next expected byte resets; one elsewhere
            // in the window gets a challenge ACK, so a blind attacker must guess exactly.
            if (h.Sequence == _rcvNxt)
            {
                Fail(State == TcpState.SynReceived && Listener == null ? NetStatus.Refused : NetStatus.Reset);
            }
            else
            {
                _ackNow = true;
                Output(now);
            }

            return;
        }

        if (h.Has(TcpFlags.Syn))
        {
            _ackNow = true; // RFC 5961 challenge ACK
            Output(now);
            return;
        }

        if (!h.Has(TcpFlags.Ack) || !ReceiveAck(in h, data.Length, now))
        {
            return;
        }

        if (data.Length > 0 && State is TcpState.Established or TcpState.FinWait1 or TcpState.FinWait2)
        {
            ReceiveData(h.Sequence, data, now);
        }

        if (h.Has(TcpFlags.Fin))
        {
            _peerFinPending = true;
            _peerFinSeq = h.Sequence + (uint)data.Length;
        }

        if (_peerFinPending && !_finReceived && _peerFinSeq == _rcvNxt)
        {
            ReceiveFin(now);
        }

        Output(now);
    }

    private void ReceiveInSynSent(in TcpHeader h, ulong now)
    {
        bool ackOk = h.Has(TcpFlags.Ack) && h.Acknowledgment > _iss && h.Acknowledgment <= _sndMax;
        if (h.Has(TcpFlags.Ack) && !ackOk)
        {
            if (!h.Has(TcpFlags.Rst))
            {
                _layer.Send(this, h.Acknowledgment, default, TcpFlags.Rst, 0, 0, now);
            }

            return;
        }

        if (h.Has(TcpFlags.Rst))
        {
            if (ackOk)
            {
                Fail(NetStatus.Refused);
            }

            return;
        }

        if (!h.Has(TcpFlags.Syn))
        {
            return;
        }

        TakeSynOptions(in h);
        _irs = h.Sequence;
        _rcvNxt = h.Sequence + 1;
        _sndWnd = h.Window;
        _sndWl1 = h.Sequence;
        _sndWl2 = h.Acknowledgment;
        if (ackOk)
        {
            Acknowledged(h.Acknowledgment, now);
            Enter(TcpState.Established);
            _ackNow = true;
            Output(now);
        }
        else
        {
            // A simultaneous open: both sides sent a SYN.
            Enter(TcpState.SynReceived);
            SendSyn(now);
        }
    }

    // RFC 9293's acceptability test, against the window this side advertised.
    private bool Acceptable(SeqNum seq, uint length)
    {
        uint window = AdvertisedWindow;
        if (length == 0)
        {
            return window == 0 ? seq == _rcvNxt : seq.Within(_rcvNxt, window);
        }

        return window != 0 && (seq.Within(_rcvNxt, window) || (seq + (length - 1)).Within(_rcvNxt, window));
    }

    private void TakeSynOptions(in TcpHeader syn)
    {
        int mss = syn.Options.MaxSegmentSize == 0 ? DefaultMss : syn.Options.MaxSegmentSize;
        _mss = Math.Clamp(mss, 64, LocalMss);
        _windowScaleOk = syn.Options.HasWindowScale;
        _sndScale = _windowScaleOk ? syn.Options.WindowScale : 0;
        _cwnd = (uint)(_initialWindow * _mss);
        _ssthresh = uint.MaxValue;
    }

    private void ReceiveFin(ulong now)
    {
        _finReceived = true;
        _rcvNxt += 1;
        _ackNow = true;
        switch (State)
        {
            case TcpState.Established:
            case TcpState.SynReceived:
                Enter(TcpState.CloseWait);
                break;
            case TcpState.FinWait1:
                Enter(_finSent && _sndUna == _sndMax ? TcpState.TimeWait : TcpState.Closing);
                break;
            case TcpState.FinWait2:
                Enter(TcpState.TimeWait);
                break;
        }

        if (State == TcpState.TimeWait)
        {
            _timeWaitAt = now + TimeWaitNs;
            _rtxAt = 0;
        }
    }

    // Data at `seq`: trimmed to the window, placed in the receive buffer at its offset, and
    // the data in order advanced through whatever out-of-order ranges it now reaches.
    private void ReceiveData(SeqNum seq, ReadOnlySpan<byte> data, ulong now)
    {
        int skip = _rcvNxt - seq;
        if (skip > 0)
        {
            data = skip >= data.Length ? default : data[skip..];
            seq = _rcvNxt;
        }

        int offset = seq - _rcvNxt;
        int room = (int)AdvertisedWindow - offset;
        if (data.IsEmpty || room <= 0)
        {
            _ackNow = true;
            return;
        }

        data = data[..Math.Min(data.Length, room)];
        _receive.WriteAt(_receive.Count + offset, data);
        if (offset > 0)
        {
            AddOutOfOrder(seq, seq + (uint)data.Length);
            _ackNow = true; // a duplicate ACK tells the sender what is missing
            return;
        }

        int advanced = data.Length;
        SeqNum end = seq + (uint)data.Length;
        bool filledGap = _oooCount > 0;
        for (bool merged = true; merged;)
        {
            merged = false;
            for (int i = 0; i < _oooCount; i++)
            {
                if (_oooStart[i] <= end)
                {
                    if (_oooEnd[i] > end)
                    {
                        advanced += _oooEnd[i] - end;
                        end = _oooEnd[i];
                    }

                    RemoveOutOfOrder(i);
                    merged = true;
                    break;
                }
            }
        }

        _receive.Extend(advanced);
        _rcvNxt = end;
        _segmentsSinceAck++;
        if (filledGap || _segmentsSinceAck >= 2 || _delayedAckNs == 0)
        {
            _ackNow = true;
        }
        else if (_delayedAckAt == 0)
        {
            _delayedAckAt = now + _delayedAckNs;
        }
    }

    private void AddOutOfOrder(SeqNum start, SeqNum end)
    {
        for (int i = 0; i < _oooCount; i++)
        {
            // Overlapping or touching ranges become one.
            if (start <= _oooEnd[i] && end >= _oooStart[i])
            {
                _oooStart[i] = start < _oooStart[i] ? start : _oooStart[i];
                _oooEnd[i] = end > _oooEnd[i] ? end : _oooEnd[i];
                return;
            }
        }

        if (_oooCount < MaxOutOfOrder)
        {
            _oooStart[_oooCount] = start;
            _oooEnd[_oooCount] = end;
            _oooCount++;
        }
    }

    private void RemoveOutOfOrder(int i)
    {
        _oooCount--;
        _oooStart[i] = _oooStart[_oooCount];
        _oooEnd[i] = _oooEnd[_oooCount];
    }
}
