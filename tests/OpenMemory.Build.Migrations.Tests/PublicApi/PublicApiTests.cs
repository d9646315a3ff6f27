using System.Reflection;
using System.Text;
using OpenMemory.Build.Testing;

namespace OpenMemory.Build.Migrations.Tests.PublicApi;

/// <summary>
/// The engine's public surface is a promise, frozen in PublicApi.approved.txt (as DbUp does): any change shows in
/// review. To accept a change on purpose, copy PublicApi.received.txt over the approved file.
/// </summary>
public sealed class PublicApiTests
{
    [Fact]
    public void The_public_api_is_the_approved_one()
    {
        var approvedPath = RepositoryPaths.Combine("tests", "OpenMemory.Build.Migrations.Tests", "PublicApi", "PublicApi.approved.txt");
        var received = Describe(typeof(Migrator).Assembly);
        var approved = File.Exists(approvedPath) ? File.ReadAllText(approvedPath).ReplaceLineEndings("\n") : "";
        if (received != approved)
        {
            File.WriteAllText(Path.ChangeExtension(approvedPath, null).Replace(".approved", ".received") + ".txt", received);
        }

        Assert.True(received == approved, $"The public API changed. Review PublicApi.received.txt beside {approvedPath} and, if the change is meant, copy it over the approved file.\n{received}");
    }

    private static string Describe(Assembly assembly)
    {
        var text = new StringBuilder();
        foreach (var type in assembly.GetExportedTypes().OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            text.Append(Kind(type)).Append(' ').Append(type.FullName);
            var bases = new[] { type.BaseType }.Where(b => b is not null && b != typeof(object) && b != typeof(ValueType) && b != typeof(Enum))
                .Concat(type.GetInterfaces()).Select(b => b!.ToString()).Order(StringComparer.Ordinal).ToList();
            if (bases.Count > 0)
            {
                text.Append(" : ").Append(string.Join(", ", bases));
            }

            text.Append('\n');
            const BindingFlags flags = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            var members = type.GetMembers(flags)
                .Where(m => m is not MethodInfo { IsSpecialName: true } && !(m is MethodInfo method && method.Name is "<Clone>$"))
                .Select(m => "    " + m.MemberType.ToString().ToLowerInvariant() + " " + m)
                .Order(StringComparer.Ordinal);
            foreach (var member in members)
            {
                text.Append(member).Append('\n');
            }
        }

        return text.ToString();
    }

    private static string Kind(Type type) =>
        type.IsEnum ? "enum" : type.IsInterface ? "interface" : type.IsValueType ? "struct" : type.IsAbstract && type.IsSealed ? "static class" : "class";
}
