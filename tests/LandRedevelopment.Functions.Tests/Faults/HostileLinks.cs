using System.Text;

namespace LandRedevelopment.Functions.Tests.Faults;

/// <summary>Requests on decision links (<c>/api/review/{token}</c>) as a browser and as a JSON client, and forged tokens.</summary>
public static class HostileLinks
{
    public static IEnumerable<HostileRequest> Calls(string category, string token, string what, Random random)
    {
        var json = random.Next(2) == 0;
        yield return new HostileRequest(category, HttpMethod.Get, "api/review/" + token, what) { Headers = json ? [("Accept", "application/json")] : [("Accept", "text/html")] };
        yield return Post(category, token, what, json: !json, comment: "同意");
    }

    public static HostileRequest Post(string category, string token, string what, bool json, string comment) =>
        new(category, HttpMethod.Post, "api/review/" + token, what)
        {
            Body = Encoding.UTF8.GetBytes("comment=" + Uri.EscapeDataString(comment)),
            ContentType = "application/x-www-form-urlencoded",
            Headers = json ? [("Accept", "application/json")] : [("Accept", "text/html,application/xhtml+xml")],
        };

    /// <summary>The token with one character of one segment changed to another of the base64url alphabet, so that the decoded bytes differ.</summary>
    public static string Forge(string token, Random random)
    {
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        while (true)
        {
            var parts = token.Split('.');
            var segment = random.Next(parts.Length);
            if (parts[segment].Length == 0)
            {
                continue;
            }

            var at = random.Next(parts[segment].Length);
            var chars = parts[segment].ToCharArray();
            chars[at] = Alphabet[random.Next(Alphabet.Length)];
            var forged = new string(chars);
            if (forged == parts[segment] || SameBytes(parts[segment], forged))
            {
                continue;
            }

            parts[segment] = forged;
            return string.Join('.', parts);
        }
    }

    /// <summary>Whether two base64url texts decode to the same bytes (a change in the unused low bits of the last character does not count as a forgery).</summary>
    private static bool SameBytes(string a, string b)
    {
        static byte[]? Decode(string s)
        {
            try
            {
                return Convert.FromBase64String(s.Replace('-', '+').Replace('_', '/') + new string('=', (4 - (s.Length % 4)) % 4));
            }
            catch (FormatException)
            {
                return null;
            }
        }

        var x = Decode(a);
        var y = Decode(b);
        return x is not null && y is not null && x.AsSpan().SequenceEqual(y);
    }
}
