using System.Text;

namespace NexOS.Net.Http;

/// <summary>A request the server understood: its method (GET or HEAD), its path (decoded and
/// checked by <see cref="HttpPath"/>), and whether the client asked to keep the connection.</summary>
public sealed record HttpRequest(string Method, string Path, bool KeepAlive, int Length);

/// <summary>What reading a request came to: a request, more bytes needed, or an error status
/// to answer with (400, 405, 414, 431, 505).</summary>
public enum HttpParse
{
    Complete,
    Incomplete,
    Error,
}

/// <summary>
/// Reads an HTTP/1.x request head (RFC 9112) from the bytes received so far, within limits: a
/// request line of at most <see cref="MaxTarget"/> bytes of target, a head of at most
/// <see cref="MaxHead"/> bytes, at most <see cref="MaxHeaders"/> fields. Only GET and HEAD are
/// served; a request with a body is refused, since this server takes none. Nothing is trusted:
/// every failure is a status to answer with, never an exception.
/// </summary>
public static class HttpRequestParser
{
    public const int MaxHead = 8192;
    public const int MaxTarget = 2048;
    public const int MaxHeaders = 64;

    /// <summary>Reads a request from <paramref name="data"/>. Complete with the request,
    /// Incomplete while the head has not ended (and is within limits), or Error with the
    /// status in <paramref name="status"/>.</summary>
    public static HttpParse TryParse(ReadOnlySpan<byte> data, out HttpRequest? request, out int status)
    {
        request = null;
        status = 0;
        int end = data.IndexOf("\r\n\r\n"u8);
        if (end < 0)
        {
            return Refuse(data.Length > MaxHead ? 431 : 0, data, out status);
        }

        if (end + 4 > MaxHead)
        {
            status = 431;
            return HttpParse.Error;
        }

        ReadOnlySpan<byte> head = data[..end];
        int lineEnd = head.IndexOf("\r\n"u8);
        ReadOnlySpan<byte> line = lineEnd < 0 ? head : head[..lineEnd];
        if (!RequestLine(line, out string method, out string target, out bool http11, out status))
        {
            return HttpParse.Error;
        }

        bool keepAlive = http11;
        int fields = 0;
        ReadOnlySpan<byte> rest = lineEnd < 0 ? default : head[(lineEnd + 2)..];
        while (!rest.IsEmpty)
        {
            int next = rest.IndexOf("\r\n"u8);
            ReadOnlySpan<byte> field = next < 0 ? rest : rest[..next];
            rest = next < 0 ? default : rest[(next + 2)..];
            int colon = field.IndexOf((byte)':');
            if (colon <= 0 || ++fields > MaxHeaders || !IsToken(field[..colon]))
            {
                status = fields > MaxHeaders ? 431 : 400;
                return HttpParse.Error;
            }

            string name = Encoding.ASCII.GetString(field[..colon]).ToLowerInvariant();
            string value = Encoding.ASCII.GetString(field[(colon + 1)..]).Trim();
            if ((name == "content-length" && value != "0") || name == "transfer-encoding")
            {
                status = 400; // a body on a GET or HEAD: nothing here reads one
                return HttpParse.Error;
            }

            if (name == "connection")
            {
                keepAlive = value.Equals("keep-alive", StringComparison.OrdinalIgnoreCase) || (http11 && !value.Equals("close", StringComparison.OrdinalIgnoreCase));
            }
        }

        if (method != "GET" && method != "HEAD")
        {
            status = 405;
            return HttpParse.Error;
        }

        if (!HttpPath.TryNormalize(target, out string path))
        {
            status = 400;
            return HttpParse.Error;
        }

        request = new HttpRequest(method, path, keepAlive, end + 4);
        return HttpParse.Complete;
    }

    // While the head is unfinished: an error as soon as its request line is bad, so a client
    // sending garbage slowly is refused at once.
    private static HttpParse Refuse(int limit, ReadOnlySpan<byte> data, out int status)
    {
        status = limit;
        int lineEnd = data.IndexOf("\r\n"u8);
        if (status == 0 && lineEnd >= 0 && !RequestLine(data[..lineEnd], out _, out _, out _, out status))
        {
            return HttpParse.Error;
        }

        if (status == 0 && lineEnd < 0 && data.Length > MaxTarget + 32)
        {
            status = 414;
        }

        return status == 0 ? HttpParse.Incomplete : HttpParse.Error;
    }

    private static bool RequestLine(ReadOnlySpan<byte> line, out string method, out string target, out bool http11, out int status)
    {
        method = target = string.Empty;
        http11 = false;
        int first = line.IndexOf((byte)' ');
        int last = line.LastIndexOf((byte)' ');
        if (first <= 0 || last <= first + 1 || !IsToken(line[..first]))
        {
            status = 400;
            return false;
        }

        ReadOnlySpan<byte> version = line[(last + 1)..];
        if (!version.SequenceEqual("HTTP/1.1"u8) && !version.SequenceEqual("HTTP/1.0"u8))
        {
            status = version.StartsWith("HTTP/"u8) ? 505 : 400;
            return false;
        }

        ReadOnlySpan<byte> t = line[(first + 1)..last];
        if (t.Length > MaxTarget)
        {
            status = 414;
            return false;
        }

        if (t.IsEmpty || t[0] != (byte)'/' || t.IndexOfAnyInRange((byte)0, (byte)0x20) >= 0 || t.IndexOfAnyInRange((byte)0x7F, (byte)0xFF) >= 0)
        {
            status = 400;
            return false;
        }

        method = Encoding.ASCII.GetString(line[..first]);
        target = Encoding.ASCII.GetString(t);
        http11 = version[7] == (byte)'1';
        status = 0;
        return true;
    }

    private static bool IsToken(ReadOnlySpan<byte> s)
    {
        foreach (byte b in s)
        {
            bool ok = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') || "!#$%&'*+-.^_`|~"u8.IndexOf(b) >= 0;
            if (!ok)
            {
                return false;
            }
        }

        return !s.IsEmpty;
    }
}

/// <summary>
/// A request target made into a path the server may look up: the query cut off, percent
/// escapes decoded, and then only letters, digits, '-', '_', '.', '~' and '/' allowed, no empty,
/// "." or ".." segment, so nothing can name a file outside the document root however it is
/// encoded. "/" becomes "/index.html".
/// </summary>
public static class HttpPath
{
    public static bool TryNormalize(string target, out string path)
    {
        path = string.Empty;
        int query = target.IndexOfAny(['?', '#']);
        string raw = query >= 0 ? target[..query] : target;
        var decoded = new StringBuilder(raw.Length);
        for (int i = 0; i < raw.Length; i++)
        {
            char c = raw[i];
            if (c == '%')
            {
                if (i + 2 >= raw.Length || !IsHex(raw[i + 1]) || !IsHex(raw[i + 2]))
                {
                    return false;
                }

                c = (char)Convert.ToByte(raw.Substring(i + 1, 2), 16);
                i += 2;
            }

            bool allowed = char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~' or '/';
            if (!allowed)
            {
                return false;
            }

            decoded.Append(c);
        }

        string p = decoded.ToString();
        if (p == "/")
        {
            path = "/index.html";
            return true;
        }

        string[] segments = p.Split('/');
        for (int i = 1; i < segments.Length; i++)
        {
            if (segments[i].Length == 0 || segments[i] == "." || segments[i] == ".." || (i < segments.Length - 1 && segments[i].StartsWith('.')))
            {
                return false;
            }
        }

        path = p;
        return segments[0].Length == 0;
    }

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);
}

/// <summary>Writes response heads.</summary>
public static class HttpResponse
{
    /// <summary>The head of a response of <paramref name="status"/> with a body of
    /// <paramref name="length"/> bytes of <paramref name="contentType"/>.</summary>
    public static byte[] Head(int status, string contentType, int length, bool keepAlive)
    {
        string text = $"HTTP/1.1 {status} {Reason(status)}\r\nServer: NexOS httpd\r\nContent-Type: {contentType}\r\nContent-Length: {length}\r\n"
            + $"Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: {(keepAlive ? "keep-alive" : "close")}\r\n\r\n";
        return Encoding.ASCII.GetBytes(text);
    }

    /// <summary>A whole error response with a one-line text body.</summary>
    public static byte[] Error(int status)
    {
        byte[] body = Encoding.ASCII.GetBytes($"{status} {Reason(status)}\n");
        byte[] head = Head(status, "text/plain; charset=utf-8", body.Length, keepAlive: false);
        return [.. head, .. body];
    }

    public static string Reason(int status) => status switch
    {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        414 => "URI Too Long",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "Error",
    };

    /// <summary>The content type for a file name's extension.</summary>
    public static string ContentType(string path) => System.IO.Path.GetExtension(path) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".json" => "application/json",
        ".svg" => "image/svg+xml",
        ".png" => "image/png",
        ".ico" => "image/x-icon",
        _ => "application/octet-stream",
    };
}
