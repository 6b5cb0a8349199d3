using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;

namespace NexOS.Tests.External;

/// <summary>What a hostile case must come to at the Permissive level.</summary>
internal enum HostileExpect
{
    /// <summary>The tool must build it (a control that the corpus's good shapes really are good).</summary>
    Verified,

    /// <summary>The tool must refuse it.</summary>
    Refused,

    /// <summary>Either, as long as the tool and the kernel agree.</summary>
    Any,
}

/// <summary>One generated policy assembly: its family, the method to build and what must happen.</summary>
internal sealed record HostileCase(string Name, byte[] Assembly, HostileExpect Expect, string? Reason = null)
{
    public const string Method = "P.M";

    public override string ToString() => Name;
}

/// <summary>
/// Structured hostile policy assemblies, family by family: look-alike assemblies and types,
/// wrong calling conventions, type specifications that name themselves (directly, in pairs,
/// through modifiers and generic arguments) in every signature the tool reads, nesting far
/// beyond any bound, specifications that fan out exponentially, absurd counts and names,
/// cycles of nested types, tokens of the wrong kind, and bodies that cannot finish or read
/// locals that were never written. Each family varies its shape with a seeded generator, so
/// the corpus is the same on every run.
/// </summary>
internal static class HostileCorpus
{
    private const byte Field = 0x06, Default = 0x00, Int32 = 0x08, Int64 = 0x0A, ValueType = 0x11, Class = 0x12;
    private const byte ByRef = 0x10, SzArray = 0x1D, Pointer = 0x0F, ModReq = 0x1F, ModOpt = 0x20, GenericInst = 0x15;
    private const byte Ldarg0 = 0x02, Ldfld = 0x7B, Ret = 0x2A, Call = 0x28, Nop = 0x00;

    public static IEnumerable<HostileCase> All(int seed)
    {
        var random = new Random(seed);
        foreach (HostileCase c in Controls())
        {
            yield return c;
        }

        foreach (HostileCase c in LookAlikes())
        {
            yield return c;
        }

        foreach (HostileCase c in Conventions())
        {
            yield return c;
        }

        foreach (HostileCase c in SelfReferences())
        {
            yield return c;
        }

        foreach (HostileCase c in DeepNesting(random))
        {
            yield return c;
        }

        foreach (HostileCase c in CountsNamesAndCycles())
        {
            yield return c;
        }

        foreach (HostileCase c in Bodies(random))
        {
            yield return c;
        }

        foreach (HostileCase c in Grammar(random))
        {
            yield return c;
        }
    }

    /// <summary>The good shape, with a helper call and with a bool local, as controls.</summary>
    private static IEnumerable<HostileCase> Controls()
    {
        var k = new Kit();
        yield return k.Case("control/plain", HostileExpect.Verified, k.Read());
        k = new Kit();
        MemberReferenceHandle max = k.A.MemberRef(k.A.TypeRef(k.A.CoreLibrary, "System", "Math"), "Max", Sig(Default, 2, Int64, Int64, Int64));
        yield return k.Case("control/system-math", HostileExpect.Verified, k.Read(Il().Raw(0x21).Raw(BitConverter.GetBytes(5L)).Raw(Call).Token(max)));
        k = new Kit();
        TypeReferenceHandle helpers = k.A.TypeRef(k.Sdk, "NexOS.Policy", "Helpers");
        MemberReferenceHandle min = k.A.MemberRef(helpers, "Min", Sig(Default, 2, Int64, Int64, Int64));
        yield return k.Case("control/sdk-helpers", HostileExpect.Verified, k.Read(Il().Raw(0x21).Raw(BitConverter.GetBytes(5L)).Raw(Call).Token(min)));
        byte[] sdkKey = typeof(NexOS.Policy.TimeSliceContext).Assembly.GetName().GetPublicKey()!;
        k = new Kit(sdk: a => a.AssemblyRef("NexOS.PatchSdk", sdkKey, fullKey: true));
        yield return k.Case("control/sdk by its full public key", HostileExpect.Verified, k.Read());
    }

    /// <summary>Types and assemblies that are named like the trusted ones but are not them.</summary>
    private static IEnumerable<HostileCase> LookAlikes()
    {
        byte[] wrongToken = Convert.FromHexString("0123456789abcdef");
        foreach ((string name, byte[]? key, bool full) in new[]
        {
            ("NexOS.PatchSdk", (byte[]?)null, false), ("NexOS.PatchSdk", wrongToken, false), ("NexOS.PatchSDK", Convert.FromHexString(NexOS.PatchTool.TrustedTypes.SdkKeyToken), false),
            ("NexOS.PatchSdk", new byte[160], true), ("NexOS.PatchSdk", new byte[3], false),
        })
        {
            var k = new Kit(sdk: a => a.AssemblyRef(name, key, full));
            yield return k.Case($"lookalike/sdk {name} key {(key == null ? "none" : Convert.ToHexString(key.AsSpan(0, Math.Min(4, key.Length))))}", HostileExpect.Refused, k.Read(), "the first parameter is");
        }

        foreach ((string assembly, byte[]? token) in new[] { ("System.Runtime", (byte[]?)null), ("System.Runtime", wrongToken), ("Math.Evil", Convert.FromHexString("b03f5f7f11d50a3a")) })
        {
            var k = new Kit();
            TypeReferenceHandle math = k.A.TypeRef(k.A.AssemblyRef(assembly, token), "System", "Math");
            MemberReferenceHandle max = k.A.MemberRef(math, "Max", Sig(Default, 2, Int64, Int64, Int64));
            yield return k.Case($"lookalike/math in {assembly}", HostileExpect.Refused, k.Read(Il().Raw(0x21).Raw(BitConverter.GetBytes(5L)).Raw(Call).Token(max)), "not a whitelisted helper");
        }

        // The policy's own System.Math, whose Max subtracts.
        var own = new Kit(beforePolicy: a =>
        {
            a.BeginType();
            MethodDefinitionHandle m = a.Method("Max", Sig(Default, 2, Int64, Int64, Int64), new byte[] { 0x02, 0x03, 0x59, Ret });
            a.EndType("System", "Math");
            return m;
        });
        yield return own.Case("lookalike/own System.Math", HostileExpect.Refused, own.Read(Il().Raw(0x21).Raw(BitConverter.GetBytes(5L)).Raw(Call).Token(own.Defined)), "defines itself");

        // The policy's own NexOS.Policy.TimeSliceContext with a static PolicySliceNs, read with ldfld.
        var alias = new Kit(beforePolicy: a =>
        {
            a.BeginType();
            FieldDefinitionHandle f = a.Field("PolicySliceNs", FieldAttributes.Public | FieldAttributes.Static, new byte[] { Field, Int64 });
            a.EndType("NexOS.Policy", "TimeSliceContext");
            return f;
        });
        yield return alias.Case("lookalike/static field alias", HostileExpect.Refused, Il().Raw(Ldarg0, Ldfld).Token(alias.Defined).Raw(Ret).ToArray(), "defines itself");

        foreach ((string field, byte[] signature, string reason) in new[]
        {
            ("PolicySliceNs", new byte[] { Field, Int32 }, "is int32"),
            ("PolicySliceNs", new byte[] { Field, ModOpt, 0x05, Int64 }, "modified by"),
            ("NoSuchField", new byte[] { Field, Int64 }, "does not have"),
            (new string('F', 100_000), new byte[] { Field, Int64 }, "does not have"),
        })
        {
            var k = new Kit();
            MemberReferenceHandle f = k.A.MemberRef(k.Context, field, signature);
            yield return k.Case($"lookalike/field {field[..Math.Min(16, field.Length)]} {Convert.ToHexString(signature)}", HostileExpect.Refused, Il().Raw(Ldarg0, Ldfld).Token(f).Raw(Ret).ToArray(), reason);
        }
    }

    /// <summary>System.Math.Max itself, called with every other calling convention.</summary>
    private static IEnumerable<HostileCase> Conventions()
    {
        foreach ((string name, byte[] signature) in new[]
        {
            ("vararg", new byte[] { 0x05, 3, Int64, Int64, Int64, 0x41, Int64 }),
            ("vararg no extra", new byte[] { 0x05, 2, Int64, Int64, Int64 }),
            ("instance", new byte[] { 0x20, 2, Int64, Int64, Int64 }),
            ("explicit this", new byte[] { 0x60, 2, Int64, Int64, Int64 }),
            ("generic", new byte[] { 0x10, 1, 2, Int64, Int64, Int64 }),
            ("cdecl", new byte[] { 0x01, 2, Int64, Int64, Int64 }),
            ("stdcall", new byte[] { 0x02, 2, Int64, Int64, Int64 }),
            ("field signature", new byte[] { Field, Int64 }),
            ("modified return", new byte[] { Default, 2, ModOpt, 0x05, Int64, Int64, Int64 }),
            ("mixed widths", new byte[] { Default, 2, Int64, Int32, Int64 }),
            ("no parameters", new byte[] { Default, 0, Int64 }),
        })
        {
            var k = new Kit();
            MemberReferenceHandle max = k.A.MemberRef(k.A.TypeRef(k.A.CoreLibrary, "System", "Math"), "Max", signature);
            yield return k.Case($"convention/{name}", HostileExpect.Refused, k.Read(Il().Raw(0x21).Raw(BitConverter.GetBytes(5L)).Raw(Call).Token(max)));
        }
    }

    /// <summary>Type specifications that name themselves or each other, in every signature the tool reads.</summary>
    private static IEnumerable<HostileCase> SelfReferences()
    {
        string[] shapes = { "class self", "valuetype self", "array of self", "pair", "modifier self", "generic self" };
        string[] places = { "parameter", "return", "local", "helper", "field", "context" };
        foreach (string shape in shapes)
        {
            foreach (string place in places)
            {
                var k = new Kit();
                TypeSpecificationHandle spec = SelfSpec(k.A, shape);
                byte[] type = new Bytes().Raw(Class).Type(spec).ToArray();
                string reason = shape == "modifier self" ? "a custom modifier is a constructed type" : "more than 32 deep";
                yield return Place(k, $"self/{shape} in {place}", place, type, reason);
            }
        }
    }

    /// <summary>Nesting far beyond the bound, of every kind of nesting a signature has.</summary>
    private static IEnumerable<HostileCase> DeepNesting(Random random)
    {
        string[] kinds = { "szarray", "pointer", "byref", "modopt", "generic", "fnptr", "spec chain", "fanout" };
        string[] places = { "parameter", "local", "helper", "field" };
        foreach (string kind in kinds)
        {
            foreach (int depth in new[] { 31, 33, 1000, 100_000 })
            {
                // Fan-out specifications are five levels deep but name 8^5 types; the rest nest as deep as they say.
                var k = new Kit();
                byte[] type = Nested(k.A, kind, kind == "fanout" ? 5 : depth);
                string? reason = kind == "fanout" ? "more than 1024 types" : depth > 32 ? "more than 32 deep" : null;
                yield return Place(k, $"deep/{kind} x{depth}", places[random.Next(places.Length)], type, reason);
            }
        }
    }

    private static IEnumerable<HostileCase> CountsNamesAndCycles()
    {
        var k = new Kit();
        StandaloneSignatureHandle many = k.A.Signature(new Bytes().Raw(0x07).Compressed(100_000).Raw(Int32).ToArray());
        yield return k.Case("count/100000 locals", HostileExpect.Refused, k.Read(), null, many);

        k = new Kit(policySignature: new Bytes().Raw(Default).Compressed(100_000).Raw(Int64).ToArray());
        yield return k.Case("count/100000 parameters", HostileExpect.Refused, k.Read());

        k = new Kit(policySignature: new byte[] { Default, 1, Int64 });
        yield return k.Case("count/signature cut short", HostileExpect.Refused, k.Read());

        k = new Kit(sdk: a => a.AssemblyRef(new string('N', 200_000), null));
        yield return k.Case("name/200000-character assembly", HostileExpect.Refused, k.Read());

        k = new Kit();
        MemberReferenceHandle longCall = k.A.MemberRef(k.A.TypeRef(k.A.CoreLibrary, new string('S', 150_000), "Math"), new string('M', 150_000), Sig(Default, 2, Int64, Int64, Int64));
        yield return k.Case("name/150000-character method and namespace", HostileExpect.Refused, k.Read(Il().Raw(0x21).Raw(BitConverter.GetBytes(5L)).Raw(Call).Token(longCall)));

        // Two types nested in each other: every walk up the declaring types is bounded.
        k = new Kit(beforePolicy: a =>
        {
            TypeDefinitionHandle first = a.BeginType();
            a.EndType("Cycle", "A");
            TypeDefinitionHandle second = a.BeginType();
            a.EndType("Cycle", "B");
            a.Nest(first, second);
            a.Nest(second, first);
            return first;
        });
        yield return k.Case("cycle/nested type definitions", HostileExpect.Refused, k.Read());

        // A type reference whose resolution scope is itself.
        k = new Kit();
        TypeReferenceHandle next = k.A.NextTypeRef;
        TypeReferenceHandle loop = k.A.TypeRef(next, "Loop", "Self");
        MemberReferenceHandle viaLoop = k.A.MemberRef(loop, "Max", Sig(Default, 2, Int64, Int64, Int64));
        yield return k.Case("cycle/type reference scoped by itself", HostileExpect.Refused, k.Read(Il().Raw(0x21).Raw(BitConverter.GetBytes(5L)).Raw(Call).Token(viaLoop)));

        foreach ((string name, int token) in new[] { ("row past the table", 0x0A00FFFF), ("user string", 0x70000001), ("method spec", 0x2B000001), ("type spec", 0x1B000001), ("nil", 0) })
        {
            k = new Kit();
            yield return k.Case($"token/{name}", HostileExpect.Refused, Il().Raw(Ldarg0, Ldfld).Int32(token).Raw(Ret).ToArray());
        }
    }

    /// <summary>Bodies that cannot finish within the fuel, read unwritten locals, or are noise.</summary>
    private static IEnumerable<HostileCase> Bodies(Random random)
    {
        foreach (int nops in new[] { 900, 997, 998, 3000 })
        {
            // ldarg.0, ldfld, ret and the nops: 997 + 3 = 1000 instructions is exactly the hook's fuel.
            var k = new Kit();
            byte[] il = new Bytes().Repeat(nops, Nop).Raw(k.Read()).ToArray();
            yield return k.Case($"body/{nops} nops", nops <= 997 ? HostileExpect.Verified : HostileExpect.Refused, il, nops <= 997 ? null : "fuel");
        }

        var endless = new Kit();
        yield return endless.Case("body/loop without exit", HostileExpect.Refused, new Bytes().Raw(0x2B, 0xFE).Raw(endless.Read()).ToArray(), "NoReturn");

        foreach (bool init in new[] { true, false })
        {
            var k = new Kit();
            StandaloneSignatureHandle locals = k.A.Signature(new byte[] { 0x07, 1, Int64 });
            byte[] il = new Bytes().Raw(0x06, Ret).ToArray(); // ldloc.0; ret
            yield return k.Case($"body/local read first, localsinit {init}", init ? HostileExpect.Verified : HostileExpect.Refused, il, init ? null : "localsinit", locals, init);
        }

        for (int i = 0; i < 120; i++)
        {
            var k = new Kit();
            var il = new Bytes();
            int length = random.Next(1, 48);
            for (int b = 0; b < length; b++)
            {
                // Mostly opcodes of the subset, now and then a field token or a raw byte.
                int pick = random.Next(10);
                if (pick < 6)
                {
                    il.Raw(s_subset[random.Next(s_subset.Length)]);
                }
                else if (pick < 8)
                {
                    il.Raw(Ldarg0, Ldfld).Token(k.PolicySliceNs);
                }
                else
                {
                    il.Raw((byte)random.Next(256));
                }
            }

            yield return k.Case($"body/random {i}", HostileExpect.Any, il.Raw(Ret).ToArray(), null, default, random.Next(2) == 0);
        }
    }

    /// <summary>Programs that track their own stack, so that many verify: reads of the context's
    /// int64 fields, constants, arithmetic, locals (sometimes read before they are written, with or
    /// without localsinit), forward branches over balanced blocks, and counted loops.</summary>
    private static IEnumerable<HostileCase> Grammar(Random random)
    {
        string[] fields = { "PolicySliceNs", "CpuNs", "WaitNs", "BlockedNs", "LastLatencyNs", "Switches" };
        for (int i = 0; i < 160; i++)
        {
            var k = new Kit();
            var refs = new MemberReferenceHandle[fields.Length];
            for (int f = 0; f < fields.Length; f++)
            {
                refs[f] = k.A.MemberRef(k.Context, fields[f], new byte[] { Field, Int64 });
            }

            var il = new Bytes();
            bool initLocals = random.Next(3) != 0;
            int statements = random.Next(1, 24);
            il.Raw(Ldarg0, Ldfld).Token(refs[0]).Raw(0x0A); // stloc.0 = policy_slice_ns
            for (int st = 0; st < statements; st++)
            {
                int pick = random.Next(40);
                switch (pick < 39 ? pick % 5 : 5)
                {
                    case 0: // local1 = field op local0
                        il.Raw(Ldarg0, Ldfld).Token(refs[random.Next(refs.Length)]).Raw(0x06, (byte)(0x58 + random.Next(3)), 0x0B);
                        break;
                    case 1: // local0 = local0 op constant
                        il.Raw(0x06, 0x21).Raw(BitConverter.GetBytes((long)random.Next(1, 1000))).Raw((byte)(0x58 + random.Next(6)), 0x0A);
                        break;
                    case 2: // if (local0 > field) skip: local0 = local1
                        il.Raw(0x06, Ldarg0, Ldfld).Token(refs[random.Next(refs.Length)]).Raw(0x31, 0x02, 0x07, 0x0A);
                        break;
                    case 3: // a counted loop: local2 = n; do { local0 += 1; local2 -= 1 } while (local2 > 0)
                        int rounds = random.Next(1, 400);
                        il.Raw(0x21).Raw(BitConverter.GetBytes((long)rounds)).Raw(0x0C);
                        il.Raw(0x06, 0x17, 0x6A, 0x58, 0x0A, 0x08, 0x17, 0x6A, 0x59, 0x0C, 0x08, 0x16, 0x6A, 0x30, 0xF1);
                        break;
                    case 4: // read local1, written or not
                        il.Raw(0x07, 0x26);
                        break;
                    default: // something out of place now and then
                        il.Raw(s_subset[random.Next(s_subset.Length)]);
                        break;
                }
            }

            // return Max(local0, 1000): a time slice in range.
            il.Raw(0x06, 0x20).Int32(1000).Raw(0x6A, Call).Token(k.A.MemberRef(k.A.TypeRef(k.A.CoreLibrary, "System", "Math"), "Max", Sig(Default, 2, Int64, Int64, Int64))).Raw(Ret);
            StandaloneSignatureHandle locals = k.A.Signature(new byte[] { 0x07, 3, Int64, Int64, Int64 });
            yield return k.Case($"grammar/{i}", HostileExpect.Any, il.ToArray(), null, locals, initLocals);
        }
    }

    private static readonly byte[] s_subset =
    {
        0x00, 0x02, 0x06, 0x0A, 0x16, 0x17, 0x1F, 0x25, 0x26, 0x2A, 0x2B, 0x2C, 0x2D, 0x58, 0x59, 0x5A, 0x5B, 0x5F, 0x60, 0x62, 0x65, 0x66, 0x69, 0x6A, 0x45,
    };

    private static TypeSpecificationHandle SelfSpec(HostileAssembly a, string shape)
    {
        TypeSpecificationHandle self = a.NextTypeSpec;
        return shape switch
        {
            "class self" => a.TypeSpec(new Bytes().Raw(Class).Type(self).ToArray()),
            "valuetype self" => a.TypeSpec(new Bytes().Raw(ValueType).Type(self).ToArray()),
            "array of self" => a.TypeSpec(new Bytes().Raw(SzArray, Class).Type(self).ToArray()),
            "modifier self" => a.TypeSpec(new Bytes().Raw(ModReq).Type(self).Raw(Int32).ToArray()),
            "generic self" => a.TypeSpec(new Bytes().Raw(GenericInst, Class).Type(self).Raw(1, Class).Type(self).ToArray()),
            _ => Pair(a, self),
        };
    }

    private static TypeSpecificationHandle Pair(HostileAssembly a, TypeSpecificationHandle first)
    {
        TypeSpecificationHandle second = MetadataTokens.TypeSpecificationHandle(MetadataTokens.GetRowNumber(first) + 1);
        a.TypeSpec(new Bytes().Raw(Class).Type(second).ToArray());
        a.TypeSpec(new Bytes().Raw(ValueType).Type(first).ToArray());
        return first;
    }

    private static byte[] Nested(HostileAssembly a, string kind, int depth)
    {
        var b = new Bytes();
        switch (kind)
        {
            case "szarray": return b.Repeat(depth, SzArray).Raw(Int32).ToArray();
            case "pointer": return b.Repeat(depth, Pointer).Raw(Int32).ToArray();
            case "byref": return b.Repeat(depth, ByRef).Raw(Int32).ToArray();
            case "modopt": return b.Repeat(depth, ModOpt, 0x05).Raw(Int32).ToArray();
            case "generic":
                TypeReferenceHandle list = a.TypeRef(a.CoreLibrary, "System.Collections.Generic", "List`1");
                byte[] open = new Bytes().Raw(GenericInst, Class).Type(list).Raw(1).ToArray();
                return b.Repeat(depth, open).Raw(Int32).ToArray();
            case "fnptr": return b.Repeat(depth, 0x1B, Default, 0).Raw(Int32).ToArray();
            case "spec chain":
            {
                // spec 1 = szarray of spec 2 = ... = int32: nesting through the table, not the blob.
                int first = MetadataTokens.GetRowNumber(a.NextTypeSpec);
                int count = Math.Min(depth, 5000);
                for (int i = 0; i < count; i++)
                {
                    var spec = new Bytes().Raw(SzArray);
                    spec = i + 1 < count ? spec.Raw(Class).Type(MetadataTokens.TypeSpecificationHandle(first + i + 1)) : spec.Raw(Int32);
                    a.TypeSpec(spec.ToArray());
                }

                return b.Raw(Class).Type(MetadataTokens.TypeSpecificationHandle(first)).ToArray();
            }

            default:
            {
                // fanout: spec i = List<spec i+1, spec i+1, ... 8 times>: 8^depth types if followed naively.
                TypeReferenceHandle generic = a.TypeRef(a.CoreLibrary, "System", "Tuple`8");
                int first = MetadataTokens.GetRowNumber(a.NextTypeSpec);
                for (int i = 0; i < depth; i++)
                {
                    var spec = new Bytes().Raw(GenericInst, Class).Type(generic).Raw(8);
                    for (int arg = 0; arg < 8; arg++)
                    {
                        _ = i + 1 < depth ? spec.Raw(Class).Type(MetadataTokens.TypeSpecificationHandle(first + i + 1)) : spec.Raw(Int32);
                    }

                    a.TypeSpec(spec.ToArray());
                }

                return b.Raw(Class).Type(MetadataTokens.TypeSpecificationHandle(first)).ToArray();
            }
        }
    }

    /// <summary>Puts a hostile type where <paramref name="place"/> says, in an otherwise good policy.</summary>
    private static HostileCase Place(Kit k, string name, string place, byte[] type, string? reason = null)
    {
        switch (place)
        {
            case "parameter":
                return new Kit(k, new Bytes().Raw(Default, 2, Int64).Raw(k.ContextParameter).Raw(type).ToArray()).Case(name, HostileExpect.Refused, k.Read(), reason);
            case "return":
                return new Kit(k, new Bytes().Raw(Default, 1).Raw(type).Raw(k.ContextParameter).ToArray()).Case(name, HostileExpect.Refused, k.Read(), reason);
            case "context":
                return new Kit(k, new Bytes().Raw(Default, 1, Int64, ByRef).Raw(type).ToArray()).Case(name, HostileExpect.Refused, k.Read(), reason);
            case "local":
                StandaloneSignatureHandle locals = k.A.Signature(new Bytes().Raw(0x07, 1).Raw(type).ToArray());
                return k.Case(name, HostileExpect.Refused, k.Read(), reason, locals);
            case "helper":
                MemberReferenceHandle max = k.A.MemberRef(k.A.TypeRef(k.A.CoreLibrary, "System", "Math"), "Max", new Bytes().Raw(Default, 2, Int64, Int64).Raw(type).ToArray());
                return k.Case(name, HostileExpect.Refused, k.Read(Il().Raw(0x21).Raw(BitConverter.GetBytes(5L)).Raw(Call).Token(max)), reason);
            default:
                MemberReferenceHandle field = k.A.MemberRef(k.Context, "PolicySliceNs", new Bytes().Raw(Field).Raw(type).ToArray());
                return k.Case(name, HostileExpect.Refused, Il().Raw(Ldarg0, Ldfld).Token(field).Raw(Ret).ToArray(), reason);
        }
    }

    private static Bytes Il() => new();

    private static byte[] Sig(byte header, int count, params byte[] types) => new Bytes().Raw(header).Compressed(count).Raw(types).ToArray();

    /// <summary>One assembly under construction: the SDK and context references, the policy type P
    /// with method M (its signature given or the good one), and whatever a family adds before P.</summary>
    private sealed class Kit
    {
        private readonly byte[]? _policySignature;

        public Kit(Func<HostileAssembly, EntityHandle>? beforePolicy = null, byte[]? policySignature = null, Func<HostileAssembly, AssemblyReferenceHandle>? sdk = null)
        {
            A = new HostileAssembly();
            Sdk = sdk != null ? sdk(A) : A.Sdk();
            Context = A.TypeRef(Sdk, "NexOS.Policy", "TimeSliceContext");
            InAttribute = A.TypeRef(A.CoreLibrary, "System.Runtime.InteropServices", "InAttribute");
            PolicySliceNs = A.MemberRef(Context, "PolicySliceNs", new byte[] { Field, Int64 });
            ContextParameter = new Bytes().Raw(ModReq).Type(InAttribute).Raw(ByRef, ValueType).Type(Context).ToArray();
            Defined = beforePolicy?.Invoke(A) ?? default;
            _policySignature = policySignature;
        }

        public Kit(Kit from, byte[] policySignature)
        {
            A = from.A;
            Sdk = from.Sdk;
            Context = from.Context;
            InAttribute = from.InAttribute;
            PolicySliceNs = from.PolicySliceNs;
            ContextParameter = from.ContextParameter;
            Defined = from.Defined;
            _policySignature = policySignature;
        }

        public HostileAssembly A { get; }

        public AssemblyReferenceHandle Sdk { get; }

        public TypeReferenceHandle Context { get; }

        public TypeReferenceHandle InAttribute { get; }

        public MemberReferenceHandle PolicySliceNs { get; }

        public byte[] ContextParameter { get; }

        /// <summary>What the family defined before the policy type (a method or field), if anything.</summary>
        public EntityHandle Defined { get; }

        /// <summary>ldarg.0; ldfld PolicySliceNs; then <paramref name="tail"/> (for example a call); ret.</summary>
        public byte[] Read(Bytes? tail = null)
            => new Bytes().Raw(Ldarg0, Ldfld).Token(PolicySliceNs).Raw(tail?.ToArray() ?? Array.Empty<byte>()).Raw(Ret).ToArray();

        public HostileCase Case(string name, HostileExpect expect, byte[] il, string? reason = null, StandaloneSignatureHandle locals = default, bool localsInit = true)
        {
            byte[] signature = _policySignature ?? new Bytes().Raw(Default, 1, Int64).Raw(ContextParameter).ToArray();
            A.BeginType();
            A.Method("M", signature, il, 8, locals, localsInit);
            A.EndType("Fuzz", "P");
            return new HostileCase(name, A.ToArray(), expect, reason);
        }
    }
}
