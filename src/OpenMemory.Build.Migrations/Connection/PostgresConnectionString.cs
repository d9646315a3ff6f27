using Npgsql;
using OpenMemory.Build.Migrations.Diagnostics;

namespace OpenMemory.Build.Migrations.Connection;

/// <summary>
/// Reads a PostgreSQL connection given as keywords ("Host=...;Database=...") or as a URL
/// ("postgresql://user:pass@host:port/db?sslmode=require"). Errors never repeat the input: it may hold a password.
/// </summary>
internal static class PostgresConnectionString
{
    private static readonly Dictionary<string, string> UrlParameters = new(StringComparer.OrdinalIgnoreCase)
    {
        ["sslmode"] = "SSL Mode",
        ["connect_timeout"] = "Timeout",
        ["application_name"] = "Application Name",
        ["target_session_attrs"] = "Target Session Attributes",
        ["sslrootcert"] = "Root Certificate",
        ["sslcert"] = "SSL Certificate",
        ["sslkey"] = "SSL Key",
        ["options"] = "Options",
        ["command_timeout"] = "Command Timeout",
    };

    public static NpgsqlConnectionStringBuilder Parse(string connection)
    {
        var text = connection.Trim();
        try
        {
            return text.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
                ? FromUrl(text)
                : new NpgsqlConnectionStringBuilder(text);
        }
        catch (MigrationException)
        {
            throw;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or UriFormatException or KeyNotFoundException)
        {
            // The exception text of a keyword parse can quote the input; say only which part is wrong.
            throw new MigrationException(Errors.MalformedConnectionString(Describe(e)));
        }
    }

    private static NpgsqlConnectionStringBuilder FromUrl(string url)
    {
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal) + 3;
        var rest = url[schemeEnd..];
        var queryStart = rest.IndexOf('?');
        var query = queryStart >= 0 ? rest[(queryStart + 1)..] : "";
        rest = queryStart >= 0 ? rest[..queryStart] : rest;
        var pathStart = rest.IndexOf('/');
        var database = pathStart >= 0 ? rest[(pathStart + 1)..] : "";
        var authority = pathStart >= 0 ? rest[..pathStart] : rest;
        var at = authority.LastIndexOf('@');
        var userInfo = at >= 0 ? authority[..at] : "";
        var hosts = at >= 0 ? authority[(at + 1)..] : authority;

        var builder = new NpgsqlConnectionStringBuilder();
        if (userInfo.Length > 0)
        {
            var colon = userInfo.IndexOf(':');
            builder.Username = Decode(colon >= 0 ? userInfo[..colon] : userInfo);
            if (colon >= 0)
            {
                builder.Password = Decode(userInfo[(colon + 1)..]);
            }
        }

        if (hosts.Length == 0)
        {
            throw new MigrationException(Errors.MalformedConnectionString("the URL names no host"));
        }

        var (host, port) = SplitHosts(hosts);
        builder.Host = host;
        if (port is not null)
        {
            builder.Port = port.Value;
        }

        if (database.Length > 0)
        {
            builder.Database = Decode(database);
        }

        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=');
            var key = Decode(eq >= 0 ? pair[..eq] : pair);
            var value = eq >= 0 ? Decode(pair[(eq + 1)..]) : "";
            if (!UrlParameters.TryGetValue(key, out var keyword))
            {
                throw new MigrationException(Errors.MalformedConnectionString($"the URL parameter '{key}' is not supported (known: {string.Join(", ", UrlParameters.Keys)})"));
            }

            builder[keyword] = value;
        }

        return builder;
    }

    // "h1:5432,h2:5433" or "[::1]:5432": Npgsql takes per-host ports inside Host.
    private static (string Host, int? Port) SplitHosts(string hosts)
    {
        var parts = hosts.Split(',');
        if (parts.Length > 1)
        {
            return (string.Join(',', parts.Select(Decode)), null);
        }

        var single = parts[0];
        if (single.StartsWith('['))
        {
            var close = single.IndexOf(']');
            if (close < 0)
            {
                throw new MigrationException(Errors.MalformedConnectionString("an IPv6 host in the URL lacks its closing ']'"));
            }

            var hostPart = single[1..close];
            var after = single[(close + 1)..];
            return (hostPart, after.StartsWith(':') ? ParsePort(after[1..]) : null);
        }

        var colon = single.LastIndexOf(':');
        return colon >= 0 ? (Decode(single[..colon]), ParsePort(single[(colon + 1)..])) : (Decode(single), null);
    }

    private static int ParsePort(string text) =>
        int.TryParse(text, out var port) && port is > 0 and < 65536
            ? port
            : throw new MigrationException(Errors.MalformedConnectionString("the port in the URL is not a number from 1 to 65535"));

    private static string Decode(string text) => Uri.UnescapeDataString(text);

    private static string Describe(Exception e)
    {
        var message = e.Message;
        // Npgsql names unknown keywords as "Keyword not supported: 'x'": keep the keyword, never a value.
        var keyword = System.Text.RegularExpressions.Regex.Match(message, @"[Kk]eyword not supported: '([^']{1,40})'");
        if (keyword.Success)
        {
            return $"the keyword '{keyword.Groups[1].Value}' is not known";
        }

        return e is UriFormatException ? "the URL is not well formed" : "it is not a list of 'Key=Value' pairs";
    }
}
