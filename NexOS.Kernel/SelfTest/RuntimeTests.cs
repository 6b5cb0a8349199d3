using System.Runtime.CompilerServices;
using System.Text;

namespace NexOS.Kernel.SelfTest;

/// <summary>Self tests of the class library running on the kernel's runtime layer:
/// allocation, collections, dispatch, generics, static constructors, formatting.</summary>
internal static class RuntimeTests
{
    private interface IShape
    {
        double Area();

        string Name { get; }
    }

    public static void Register()
    {
        SelfTestRunner.Add("allocate objects", AllocateObjects);
        SelfTestRunner.Add("allocate arrays", AllocateArrays);
        SelfTestRunner.Add("allocate strings", AllocateStrings);
        SelfTestRunner.Add("Dictionary", DictionaryWorks);
        SelfTestRunner.Add("List", ListWorks);
        SelfTestRunner.Add("interface calls", InterfaceCalls);
        SelfTestRunner.Add("virtual calls", VirtualCalls);
        SelfTestRunner.Add("generic methods over structs", GenericsOverStructs);
        SelfTestRunner.Add("static constructors", StaticConstructors);
        SelfTestRunner.Add("format integers", FormatIntegers);
        SelfTestRunner.Add("format doubles", FormatDoubles);
        SelfTestRunner.Add("delegates and lambdas", DelegatesAndLambdas);
        SelfTestRunner.Add("lock", Locking);
        SelfTestRunner.Add("Span and stackalloc", Spans);
        SelfTestRunner.Add("boxing, enums and nullables", BoxingEnumsNullables);
        SelfTestRunner.Add("GC handles", GcHandles);
        SelfTestRunner.Add("Math.Log, Exp and Pow (C names exported by the runtime)", LogExpPow);
    }

    private static void LogExpPow()
    {
        // Through the class library, so the calls go out to the exported log, exp and pow.
        Expect.True(Math.Abs(Math.Log(Math.E * Math.E) - 2) < 1e-15, "log(e^2) = 2");
        Expect.True(Math.Abs(Math.Exp(Math.Log(12345.678)) - 12345.678) < 1e-9, "exp(log x) = x");
        Expect.True(Math.Pow(2, 10) == 1024, "pow(2, 10) = 1024");
        Expect.True(Math.Pow(-2, 3) == -8, "pow(-2, 3) = -8");
        Expect.True(double.IsNaN(Math.Log(-1)), "log(-1) is NaN");
    }

    private static void AllocateObjects()
    {
        var nodes = new Node[1000];
        for (int i = 0; i < nodes.Length; i++)
        {
            nodes[i] = new Node(i, i > 0 ? nodes[i - 1] : null);
        }

        int sum = 0;
        for (Node? n = nodes[^1]; n != null; n = n.Next)
        {
            sum += n.Value;
        }

        Expect.Equal(499500, sum, "sum over a linked list of 1000 objects");
        Expect.True(!ReferenceEquals(nodes[0], nodes[1]), "distinct objects");
    }

    private static void AllocateArrays()
    {
        long[] big = new long[100_000];
        for (int i = 0; i < big.Length; i++)
        {
            big[i] = (long)i * i;
        }

        Expect.Equal(99_999L * 99_999L, big[^1], "last element");
        int[][] jagged = { new[] { 3, 1, 2 }, Array.Empty<int>(), new int[7] };
        Array.Sort(jagged[0]);
        Expect.Equal("1,2,3", string.Join(",", jagged[0]), "sorted array");
        Expect.Equal(7, jagged[2].Length, "jagged length");
        object[] mixed = { 1, "two", 3.0, null! };
        Expect.Equal(4, mixed.Length, "object array length");
    }

    private static void AllocateStrings()
    {
        string s = string.Concat("Nex", "OS");
        Expect.Equal("NexOS", s, "concat");
        Expect.Equal("exO", s.Substring(1, 3), "substring");
        Expect.Equal(3, "a,b,c".Split(',').Length, "split");
        var sb = new StringBuilder();
        for (int i = 0; i < 100; i++)
        {
            sb.Append(i % 10);
        }

        Expect.Equal(100, sb.ToString().Length, "StringBuilder");
        Expect.True("hello".ToUpperInvariant() == "HELLO", "upper case");
        Expect.True(s.GetHashCode() == "NexOS".GetHashCode(), "equal strings hash alike");
    }

    private static void DictionaryWorks()
    {
        var d = new Dictionary<int, string>();
        for (int i = 0; i < 1000; i++)
        {
            d[i] = i.ToString();
        }

        for (int i = 0; i < 1000; i += 2)
        {
            d.Remove(i);
        }

        Expect.Equal(500, d.Count, "count after removals");
        Expect.True(d.TryGetValue(999, out string? v) && v == "999", "lookup");
        Expect.True(!d.ContainsKey(998), "removed key");
        var byName = new Dictionary<string, int> { ["alpha"] = 1, ["beta"] = 2 };
        Expect.Equal(2, byName["beta"], "string keys");
    }

    private static void ListWorks()
    {
        var list = new List<int>();
        for (int i = 0; i < 100; i++)
        {
            list.Add(99 - i);
        }

        list.Sort((a, b) => a.CompareTo(b));
        Expect.Equal(0, list[0], "sorted first");
        Expect.Equal(42, list.BinarySearch(42), "binary search");
        list.RemoveAll(x => x % 2 == 1);
        Expect.Equal(50, list.Count, "RemoveAll");
        list.Insert(0, -1);
        Expect.Equal(-1, list[0], "insert");
    }

    private static void InterfaceCalls()
    {
        IShape[] shapes = { new Square(2), new Circle(1), new Square(3) };
        double total = 0;
        for (int round = 0; round < 100; round++)
        {
            foreach (IShape shape in shapes)
            {
                total += shape.Area();
            }
        }

        Expect.True(Math.Abs(total - (100 * (4 + Math.PI + 9))) < 1e-6, "areas through an interface");
        Expect.Equal("circle", shapes[1].Name, "interface property");
        IComparable<int> boxed = 5;
        Expect.True(boxed.CompareTo(3) > 0, "interface on a boxed struct");
    }

    private static void VirtualCalls()
    {
        Animal[] animals = { new Dog(), new Cat(), new Dog() };
        var sb = new StringBuilder();
        foreach (Animal a in animals)
        {
            sb.Append(a.Speak()).Append(' ');
        }

        Expect.Equal("woof! meow woof! ", sb.ToString(), "overrides and base calls");
        Expect.Equal("Dog", animals[0].ToString(), "object.ToString override");
    }

    private static void GenericsOverStructs()
    {
        Expect.Equal(7, Max(3, 7), "int");
        Expect.Equal(2.5, Max(2.5, -1.0), "double");
        Expect.Equal(new Money(30), Max(new Money(30), new Money(20)), "user struct");
        var pair = new Pair<long, Money>(1L << 40, new Money(5));
        Expect.Equal(1L << 40, pair.First, "generic struct field");
        Expect.Equal(6, Sum<int>(new[] { 1, 2, 3 }), "generic math");
    }

    private static void StaticConstructors()
    {
        int before = Counter.Constructed;
        Expect.Equal(1, Lazy.Value, "value set by the static constructor");
        Expect.Equal(1, Lazy.Value, "second read");
        Expect.Equal(before + 1, Counter.Constructed, "static constructor ran exactly once");
    }

    private static void FormatIntegers()
    {
        Expect.Equal("42", $"{42}", "plain");
        Expect.Equal("-007", $"{-7:D3}", "padded");
        Expect.Equal("FF", $"{255:X}", "hex");
        Expect.Equal("1,234,567", $"{1234567:N0}", "grouped");
        Expect.Equal("9223372036854775807", long.MaxValue.ToString(), "long.MaxValue");
        Expect.Equal(-12345, int.Parse("-12345"), "parse");
    }

    private static void FormatDoubles()
    {
        Expect.Equal("3.14", $"{3.14159:F2}", "fixed");
        Expect.Equal("15000000000", 1.5e10.ToString(), "large");
        Expect.Equal("0.30000000000000004", (0.1 + 0.2).ToString("R"), "round trip");
        Expect.Equal("NaN", double.NaN.ToString(), "NaN");
        Expect.Equal("1.5E-05", 1.5e-5.ToString(), "exponent");
        Expect.Equal(2.75, double.Parse("2.75"), "parse");
        Expect.Equal("12.5 %", $"{0.125:P1}", "percent (invariant culture puts a space)");
    }

    private static void DelegatesAndLambdas()
    {
        int captured = 10;
        Func<int, int> add = x => x + captured;
        Func<int, int> twice = x => add(add(x));
        captured = 1;
        Expect.Equal(7, twice(5), "closure sees the updated capture");
        int calls = 0;
        Action a = () => calls++;
        a += () => calls += 10;
        a();
        Expect.Equal(11, calls, "multicast delegate");
    }

    private static void Locking()
    {
        object gate = new();
        int value = 0;
        lock (gate)
        {
            lock (gate)
            {
                value++;
            }
        }

        Expect.True(System.Threading.Monitor.TryEnter(gate), "monitor free after lock");
        System.Threading.Monitor.Exit(gate);
        Expect.Equal(1, value, "body ran");
    }

    private static void Spans()
    {
        Span<int> numbers = stackalloc int[16];
        for (int i = 0; i < numbers.Length; i++)
        {
            numbers[i] = 16 - i;
        }

        numbers.Sort();
        Expect.Equal(1, numbers[0], "sorted span");
        Expect.Equal(10, numbers[4..8].Length + numbers[..6].Length, "slices");
        ReadOnlySpan<char> text = "key=value".AsSpan();
        Expect.True(text[(text.IndexOf('=') + 1)..].SequenceEqual("value"), "char span");
    }

    private static void BoxingEnumsNullables()
    {
        object boxed = 42;
        Expect.Equal(42, (int)boxed, "unbox");
        Expect.Equal("Friday", DayOfWeek.Friday.ToString(), "enum name");
        int? maybe = null;
        Expect.Equal(5, (maybe ?? 5), "nullable default");
        maybe = 3;
        Expect.True(maybe.HasValue && maybe.Value == 3, "nullable value");
    }

    private static void GcHandles()
    {
        var target = new Node(7, null);
        var handle = System.Runtime.InteropServices.GCHandle.Alloc(target);
        Expect.True(ReferenceEquals(handle.Target, target), "handle target");
        handle.Free();
        var weak = new WeakReference<Node>(target);
        Expect.True(weak.TryGetTarget(out Node? back) && back == target, "weak reference");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static T Max<T>(T a, T b)
        where T : IComparable<T> => a.CompareTo(b) >= 0 ? a : b;

    private static T Sum<T>(T[] values)
        where T : System.Numerics.INumber<T>
    {
        T total = T.Zero;
        foreach (T v in values)
        {
            total += v;
        }

        return total;
    }

    private readonly record struct Money(int Cents) : IComparable<Money>
    {
        public int CompareTo(Money other) => Cents.CompareTo(other.Cents);
    }

    private readonly record struct Pair<TFirst, TSecond>(TFirst First, TSecond Second);

    private sealed class Node(int value, Node? next)
    {
        public int Value { get; } = value;

        public Node? Next { get; } = next;
    }

    private sealed class Square(double side) : IShape
    {
        public string Name => "square";

        public double Area() => side * side;
    }

    private sealed class Circle(double radius) : IShape
    {
        public string Name => "circle";

        public double Area() => Math.PI * radius * radius;
    }

    private abstract class Animal
    {
        public abstract string Sound { get; }

        public virtual string Speak() => Sound;

        public override string ToString() => GetType().Name;
    }

    private sealed class Dog : Animal
    {
        public override string Sound => "woof";

        public override string Speak() => base.Speak() + "!";
    }

    private sealed class Cat : Animal
    {
        public override string Sound => "meow";
    }

    private static class Counter
    {
        public static int Constructed;
    }

    private static class Lazy
    {
        public static readonly int Value;

        static Lazy()
        {
            Counter.Constructed++;
            Value = Counter.Constructed > 0 ? 1 : 0;
        }
    }
}
