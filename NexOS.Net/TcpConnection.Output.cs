namespace NexOS.Net;

/// <summary>Acknowledgements, sending, congestion control and timers.</summary>
public sealed partial class TcpConnection
{
    private readonly int _initialWindow;
    private readonly ulong _delayedAckNs;
    private readonly ulong _minRtoNs;
    private readonly int _maxRetries;
    private readonly ulong _keepIdleNs;
    private readonly SeqNum _iss;
    private SeqNum _sndUna;
    private SeqNum _sndNxt;
    private SeqNum _sndMax;
    private SeqNum _sendBase;
    private SeqNum _sndWl1;
    private SeqNum _sndWl2;
    private uint _sndWnd;
    private uint _cwnd;
    private uint _ssthresh = uint.MaxValue;
    private int _dupAcks;
    private bool _inRecovery;
    private SeqNum _recover;
    private ulong _rto;
    private long _srtt;
    private long _rttvar;
    private bool _timing;
    private SeqNum _rttSeq;
    private ulong _rttStart;
    private int _retries;
    private int _keepProbes;
    private bool _finSent;
    private bool _closeRequested;
    private bool _ackNow;
    private ulong _rtxAt;
    private ulong _delayedAckAt;
    private ulong _timeWaitAt;
    private ulong _probeSentAt;

    /// <summary>Copies send-buffer bytes from <paramref name="offset"/> for a segment.</summary>
    internal int CopySendData(int offset, Span<byte> destination) => _send.Peek(offset, destination);

    // The ACK field of a segment in a synchronised state. False when the segment is to be
    // dropped after it.
    private bool ReceiveAck(in TcpHeader h, int dataLength, ulong now)
    {
        SeqNum ack = h.Acknowledgment;
        if (State == TcpState.SynReceived)
        {
            if (ack <= _sndUna || ack > _sndMax)
            {
                _layer.Send(this, ack, default, TcpFlags.Rst, 0, 0, now);
                return false;
            }

            Enter(TcpState.Established);
            _sndWnd = (uint)h.Window << _sndScale;
            _sndWl1 = h.Sequence;
            _sndWl2 = ack;
            Acknowledged(ack, now);
            Listener?.Established(this);
        }

        if (ack > _sndMax)
        {
            _ackNow = true; // an ACK for data never sent
            Output(now);
            return false;
        }

        uint window = (uint)h.Window << _sndScale;
        bool duplicate = ack == _sndUna && dataLength == 0 && !h.Has(TcpFlags.Fin) && window == _sndWnd && _sndMax > _sndUna;
        if (_sndWl1 < h.Sequence || (_sndWl1 == h.Sequence && _sndWl2 <= ack))
        {
            _sndWnd = window;
            _sndWl1 = h.Sequence;
            _sndWl2 = ack;
        }

        if (ack > _sndUna)
        {
            Acknowledged(ack, now);
        }
        else if (duplicate)
        {
            DuplicateAck(now);
        }

        if (_finSent && _sndUna == _sndMax)
        {
            switch (State)
            {
                case TcpState.FinWait1:
                    Enter(TcpState.FinWait2);
                    break;
                case TcpState.Closing:
                    Enter(TcpState.TimeWait);
                    _timeWaitAt = now + TimeWaitNs;
                    break;
                case TcpState.LastAck:
                    Enter(TcpState.Closed);
                    return false;
            }
        }

        return State != TcpState.Closed;
    }

    private void Acknowledged(SeqNum ack, ulong now)
    {
        // The SYN takes a sequence number but is no data: its ACK does not open the window.
        uint acked = (uint)(ack - _sndUna) - (_sndUna == _iss ? 1u : 0);
        int data = Math.Clamp(ack - _sendBase, 0, _send.Count);
        _send.Discard(data);
        _sendBase += (uint)data;
        if (_timing && ack > _rttSeq)
        {
            SampleRtt((long)(now - _rttStart));
            _timing = false;
        }

        _sndUna = ack;
        _sndNxt = _sndNxt < _sndUna ? _sndUna : _sndNxt;
        _retries = 0;
        uint mss = (uint)_mss;
        if (_inRecovery)
        {
            if (ack >= _recover)
            {
                _cwnd = Math.Min(_ssthresh, (uint)(_sndMax - _sndUna) + mss);
                _inRecovery = false;
            }
            else
            {
                // A partial ACK (RFC 6582): the next hole goes out at once, the window deflates.
                RetransmitFirst(now);
                _cwnd = Math.Max(mss, _cwnd > acked ? _cwnd - acked + mss : mss);
            }
        }
        else if (acked == 0)
        {
        }
        else if (_cwnd < _ssthresh)
        {
            _cwnd += Math.Min(acked, mss);
        }
        else
        {
            _cwnd += Math.Max(1u, mss * mss / Math.Max(1u, _cwnd));
        }

        _dupAcks = 0;
        _rtxAt = _sndUna == _sndMax ? 0 : now + _rto;
    }

    private void DuplicateAck(ulong now)
    {
        _dupAcks++;
        uint mss = (uint)_mss;
        if (_inRecovery)
        {
            _cwnd += mss;
        }
        else if (_dupAcks == 3)
        {
            uint flight = (uint)(_sndMax - _sndUna);
            _ssthresh = Math.Max(flight / 2, 2 * mss);
            _recover = _sndMax;
            _inRecovery = true;
            RetransmitFirst(now);
            _cwnd = _ssthresh + (3 * mss);
        }
    }

    // RFC 6298: the first sample sets SRTT and RTTVAR, later ones move them by 1/8 and 1/4.
    private void SampleRtt(long sample)
    {
        sample = Math.Max(1, sample);
        if (_srtt == 0)
        {
            _srtt = sample;
            _rttvar = sample / 2;
        }
        else
        {
            _rttvar = ((3 * _rttvar) + Math.Abs(_srtt - sample)) / 4;
            _srtt = ((7 * _srtt) + sample) / 8;
        }

        _rto = Math.Clamp((ulong)(_srtt + Math.Max(1, 4 * _rttvar)), _minRtoNs, MaxRtoNs);
    }

    private void SendSyn(ulong now)
    {
        bool scale = State == TcpState.SynSent || _windowScaleOk;
        var options = new TcpOptions(LocalMss, scale, (byte)(scale ? _rcvScale : 0), false, false, 0, 0);
        TcpFlags flags = State == TcpState.SynReceived ? TcpFlags.Syn | TcpFlags.Ack : TcpFlags.Syn;
        _layer.Send(this, _iss, options, flags, 0, 0, now);
        _sndNxt = _iss + 1;
        _sndMax = _sndMax > _sndNxt ? _sndMax : _sndNxt;
        _rtxAt = now + _rto;
    }

    /// <summary>Sends what the windows allow, the FIN after the last byte once the application
    /// closed, and an ACK when one is owed.</summary>
    private void Output(ulong now)
    {
        bool sending = State is TcpState.Established or TcpState.CloseWait or TcpState.FinWait1 or TcpState.Closing or TcpState.LastAck;
        while (sending)
        {
            uint window = Math.Min(_sndWnd, _cwnd);
            uint inFlight = (uint)(_sndNxt - _sndUna);
            int offset = _sndNxt - _sendBase;
            int available = _send.Count - offset;
            int length = (int)Math.Min(Math.Min((long)available, _mss), window > inFlight ? window - inFlight : 0);
            bool fin = _closeRequested && !_finSent && offset + length == _send.Count;
            if (length <= 0 && !fin)
            {
                if (available > 0 && _sndWnd == 0 && _rtxAt == 0)
                {
                    _rtxAt = now + _rto; // the persist timer: a probe goes when it expires
                }

                break;
            }

            TcpFlags flags = TcpFlags.Ack | (length > 0 && offset + length == _send.Count ? TcpFlags.Psh : 0) | (fin ? TcpFlags.Fin : 0);
            _layer.Send(this, _sndNxt, default, flags, offset, length, now);
            if (!_timing && length > 0 && _sndNxt == _sndMax)
            {
                _timing = true;
                _rttSeq = _sndNxt;
                _rttStart = now;
            }

            _sndNxt += (uint)length + (fin ? 1u : 0);
            _sndMax = _sndNxt > _sndMax ? _sndNxt : _sndMax;
            _rtxAt = _rtxAt == 0 ? now + _rto : _rtxAt;
            _ackNow = false;
            _delayedAckAt = 0;
            _segmentsSinceAck = 0;
            if (fin)
            {
                _finSent = true;
                Enter(State == TcpState.CloseWait ? TcpState.LastAck : State == TcpState.Established ? TcpState.FinWait1 : State);
                break;
            }
        }

        if (_ackNow && State != TcpState.Closed && State != TcpState.SynSent)
        {
            _layer.Send(this, _sndNxt, default, TcpFlags.Ack, 0, 0, now);
            _ackNow = false;
            _delayedAckAt = 0;
            _segmentsSinceAck = 0;
        }
    }

    // The first unacknowledged segment again (fast retransmit, a partial ACK).
    private void RetransmitFirst(ulong now)
    {
        int offset = _sndUna - _sendBase;
        int length = Math.Min(_send.Count - Math.Max(0, offset), _mss);
        bool fin = _finSent && length <= 0;
        if (offset < 0 || (length <= 0 && !fin))
        {
            return;
        }

        _layer.Send(this, _sndUna, default, TcpFlags.Ack | (fin ? TcpFlags.Fin : 0), offset, Math.Max(0, length), now);
        Retransmissions++;
        _timing = false; // Karn: no sample from a segment sent twice
    }

    // The persist timer: the first byte past the closed window asks the peer to say when it
    // opens. A peer that answered the last probe is alive (its reader is just slow), so the
    // probes go on for as long as it answers, backing off to a minute; one that stops
    // answering is given up after the retries.
    private void Probe(ulong now)
    {
        _retries = _lastHeard >= _probeSentAt ? 0 : _retries + 1;
        if (_retries > _maxRetries)
        {
            Fail(NetStatus.TimedOut);
            return;
        }

        _layer.Send(this, _sndUna, default, TcpFlags.Ack, _sndUna - _sendBase, 1, now);
        _sndMax = _sndMax == _sndUna ? _sndUna + 1 : _sndMax;
        _sndNxt = _sndMax;
        _probeSentAt = now;
        _rto = Math.Min(_rto * 2, MaxRtoNs);
        _rtxAt = now + _rto;
    }

    /// <summary>Runs the timers: retransmission (and the persist probe), delayed ACK,
    /// keep-alive, TIME-WAIT.</summary>
    internal void Tick(ulong now)
    {
        if (_timeWaitAt != 0 && now >= _timeWaitAt)
        {
            Enter(TcpState.Closed);
            return;
        }

        if (_rtxAt != 0 && now >= _rtxAt)
        {
            Expire(now);
        }

        if (_delayedAckAt != 0 && now >= _delayedAckAt)
        {
            _ackNow = true;
            Output(now);
        }

        if (KeepAlive && State == TcpState.Established && now - _lastHeard >= _keepIdleNs + ((ulong)_keepProbes * KeepAliveIntervalNs))
        {
            if (++_keepProbes > KeepAliveProbes)
            {
                Fail(NetStatus.TimedOut);
                return;
            }

            // A probe below the window: the peer answers with an ACK that says it is alive.
            _layer.Send(this, _sndUna + uint.MaxValue, default, TcpFlags.Ack, 0, 0, now);
        }
    }

    private void Expire(ulong now)
    {
        _rtxAt = 0;
        if (_sndWnd == 0 && _send.Count > 0 && (uint)(_sndMax - _sndUna) <= 1 && State is not (TcpState.SynSent or TcpState.SynReceived))
        {
            Probe(now);
            return;
        }

        if (++_retries > _maxRetries)
        {
            Fail(NetStatus.TimedOut);
            return;
        }

        _rto = Math.Min(_rto * 2, MaxRtoNs);
        Retransmissions++;
        _timing = false;
        if (State is TcpState.SynSent or TcpState.SynReceived)
        {
            SendSyn(now);
            return;
        }

        // A timeout (RFC 5681): the window shrinks to one segment and sending starts again
        // from the first byte not acknowledged.
        uint flight = (uint)(_sndMax - _sndUna);
        _ssthresh = Math.Max(flight / 2, 2 * (uint)_mss);
        _cwnd = (uint)_mss;
        _inRecovery = false;
        _dupAcks = 0;
        _sndNxt = _sndUna;
        if (_finSent && _sndUna - _sendBase <= _send.Count)
        {
            _finSent = false; // the FIN is sent again after the data
        }

        Output(now);
        _rtxAt = _rtxAt == 0 && _sndMax > _sndUna ? now + _rto : _rtxAt;
    }
}
