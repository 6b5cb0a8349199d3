namespace NexOS.Security.Patches;

/// <summary>
/// The keys the kernel accepts signatures from, by key id. Small and fixed-size by design:
/// a handful of trusted submitters, looked up by a linear scan. Contract: at most
/// <see cref="Capacity"/> keys; ids are unique.
/// </summary>
public sealed class PatchKeyRing
{
    /// <summary>Most keys a ring holds.</summary>
    public const int Capacity = 16;

    private readonly PatchSigningKey?[] _keys = new PatchSigningKey?[Capacity];
    private int _count;

    /// <summary>Number of keys held.</summary>
    public int Count => _count;

    /// <summary>Adds a key; returns an error for a duplicate id or a full ring.</summary>
    public string? TryAdd(PatchSigningKey key)
    {
        string? error = CheckAdd(key.KeyId);
        if (error == null)
        {
            _keys[_count++] = key;
        }

        return error;
    }

    /// <summary>The error <see cref="TryAdd"/> would give now for a key with
    /// <paramref name="keyId"/>, or null; lets the console refuse before the key is typed.</summary>
    public string? CheckAdd(uint keyId)
    {
        if (TryFind(keyId, out _))
        {
            return $"key id {keyId} is already in the ring";
        }

        return _count == Capacity ? $"the key ring is full ({Capacity} keys)" : null;
    }

    /// <summary>The id of the key at <paramref name="index"/> (0 to <see cref="Count"/> - 1), in the order added.</summary>
    public uint KeyIdAt(int index) => _keys[index]!.KeyId;

    /// <summary>Finds a key by id.</summary>
    public bool TryFind(uint keyId, out PatchSigningKey? key)
    {
        for (int i = 0; i < _count; i++)
        {
            if (_keys[i]!.KeyId == keyId)
            {
                key = _keys[i];
                return true;
            }
        }

        key = null;
        return false;
    }

    /// <summary>True when <paramref name="patch"/> was read from bytes, carries a signature
    /// block, the key id is in this ring and the MAC is right.</summary>
    public bool VerifySignature(Patch patch)
    {
        PatchSignature? signature = patch.Signature;
        if (signature == null || patch.Hash.Length == 0 || !TryFind(signature.KeyId, out PatchSigningKey? key))
        {
            return false;
        }

        return signature.Verify(key!.Key, patch.Hash);
    }
}
