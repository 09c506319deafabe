using System.Collections.Frozen;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace AddonProvider.Tests.Architecture;

/// <summary>A string constant compiled into an assembly, and the type whose code or metadata carries it.</summary>
public sealed record StringLiteral(string Namespace, string Type, string Value);

/// <summary>
/// The string literals of an assembly, read from its metadata: every <c>ldstr</c> in every method body (its operand is a
/// token into the user-string heap), every <c>const</c> string field and every string argument of a custom attribute.
/// A C# <c>const</c> such as <c>CatalogDefinition.MobiLoud</c> is copied into its users this way, leaving no reference to
/// the type that declared it, so this is where a borrowed product id shows up.
/// </summary>
public static class StringLiterals
{
    public static IReadOnlyList<StringLiteral> Of(string assemblyPath)
    {
        using var pe = new PEReader(File.OpenRead(assemblyPath));
        var md = pe.GetMetadataReader();
        var found = new List<StringLiteral>();
        foreach (var handle in md.TypeDefinitions)
        {
            var type = md.GetTypeDefinition(handle);
            var (ns, name) = Outermost(md, type);
            void Add(string value) => found.Add(new StringLiteral(ns, name, value));

            foreach (var methodHandle in type.GetMethods())
            {
                var method = md.GetMethodDefinition(methodHandle);
                if (method.RelativeVirtualAddress != 0)
                {
                    try { foreach (var literal in Ldstr(md, pe.GetMethodBody(method.RelativeVirtualAddress))) Add(literal); }
                    catch (InvalidDataException e) { throw new InvalidDataException($"{ns}.{name}.{md.GetString(method.Name)}: {e.Message}", e); }
                }
                foreach (var attribute in method.GetCustomAttributes()) AttributeStrings(md, attribute, Add);
            }
            foreach (var fieldHandle in type.GetFields())
            {
                var field = md.GetFieldDefinition(fieldHandle);
                var constant = field.GetDefaultValue();
                if (!constant.IsNil && md.GetConstant(constant) is { TypeCode: ConstantTypeCode.String } c)
                    Add(md.GetBlobReader(c.Value).ReadConstant(ConstantTypeCode.String) as string ?? "");
                foreach (var attribute in field.GetCustomAttributes()) AttributeStrings(md, attribute, Add);
            }
            foreach (var propertyHandle in type.GetProperties())
                foreach (var attribute in md.GetPropertyDefinition(propertyHandle).GetCustomAttributes()) AttributeStrings(md, attribute, Add);
            foreach (var attribute in type.GetCustomAttributes()) AttributeStrings(md, attribute, Add);
        }
        return found;
    }

    /// <summary>Compiler-made types (lambdas' closures, async state machines) are nested in the type whose code they hold.</summary>
    private static (string Namespace, string Name) Outermost(MetadataReader md, TypeDefinition type)
    {
        while (type.IsNested) type = md.GetTypeDefinition(type.GetDeclaringType());
        return (md.GetString(type.Namespace), md.GetString(type.Name));
    }

    private static IEnumerable<string> Ldstr(MetadataReader md, MethodBodyBlock body)
    {
        var il = body.GetILReader();
        while (il.RemainingBytes > 0)
        {
            var opcode = Operands.Read(ref il);
            if (opcode.Value == OpCodes.Ldstr.Value)
            {
                yield return md.GetUserString(MetadataTokens.UserStringHandle(il.ReadInt32() & 0x00FFFFFF));
                continue;
            }
            Operands.Skip(ref il, opcode);
        }
    }

    /// <summary>
    /// The string arguments of one attribute, read straight from its value blob (ECMA-335 II.23.3): after the prolog, each
    /// fixed argument whose constructor parameter is a string is a length-prefixed UTF-8 string. Named arguments and
    /// non-string parameters are searched the same way, as any SerString in the blob: cruder, but it cannot miss one.
    /// </summary>
    private static void AttributeStrings(MetadataReader md, CustomAttributeHandle handle, Action<string> add)
    {
        var blob = md.GetBlobReader(md.GetCustomAttribute(handle).Value);
        var bytes = blob.ReadBytes(blob.Length);
        for (var i = 2; i < bytes.Length; i++)
        {
            var length = bytes[i];
            if (length is 0 or 0xFF or >= 0x80 || i + 1 + length > bytes.Length) continue;
            var text = System.Text.Encoding.UTF8.GetString(bytes, i + 1, length);
            if (text.All(ch => !char.IsControl(ch))) add(text);
        }
    }

    /// <summary>IL operand sizes, taken from <see cref="OpCodes"/>' own description of every instruction.</summary>
    private static class Operands
    {
        private static readonly FrozenDictionary<short, OpCode> ByValue = typeof(OpCodes).GetFields()
            .Select(f => (OpCode)f.GetValue(null)!).ToFrozenDictionary(o => o.Value);

        public static OpCode Read(ref BlobReader il)
        {
            int first = il.ReadByte();
            var value = first == 0xFE ? (short)(0xFE00 | il.ReadByte()) : (short)first;
            return ByValue.TryGetValue(value, out var opcode) ? opcode : throw new InvalidDataException($"Unknown IL opcode 0x{value:X}.");
        }

        public static void Skip(ref BlobReader il, OpCode opcode)
        {
            switch (opcode.OperandType)
            {
                case OperandType.InlineNone: break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar: il.Offset += 1; break;
                case OperandType.InlineVar: il.Offset += 2; break;
                case OperandType.InlineI8 or OperandType.InlineR: il.Offset += 8; break;
                case OperandType.InlineSwitch:
                    // Read the count first: `il.Offset += 4 * il.ReadInt32()` reads the old offset before the count advances
                    // it, and so lands 4 bytes short (inside the jump table).
                    var targets = il.ReadInt32();
                    il.Offset += 4 * targets;
                    break;
                default: il.Offset += 4; break; // tokens, 32-bit branches and constants
            }
        }
    }
}
