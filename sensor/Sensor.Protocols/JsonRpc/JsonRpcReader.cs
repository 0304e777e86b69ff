using System.Text.Json;

namespace Sensor.Protocols.JsonRpc;

/// <summary>
/// Classifies a body as one JSON-RPC 2.0 message or a batch (JSON-RPC 2.0 §4–§6) in one forward pass of
/// <see cref="Utf8JsonReader"/>: kind, method, id, <c>params.name</c>/<c>params.uri</c> and <c>error.code</c>, as
/// offsets into the input. Nothing is allocated for valid input (the caller's list is reused). Malformed input gives a
/// status: <see cref="Utf8JsonReader"/> can only signal bad JSON by throwing, so that exception stops here.
/// </summary>
public static class JsonRpcReader
{
    private static readonly JsonReaderOptions s_options = new() { MaxDepth = JsonRpcLimits.MaxDepth };

    /// <summary>Reads <paramref name="body"/> into <paramref name="messages"/> (cleared first).</summary>
    /// <param name="isBatch">True when the body was a JSON array.</param>
    public static JsonRpcStatus Read(ReadOnlySpan<byte> body, List<JsonRpcMessageInfo> messages, out bool isBatch)
    {
        messages.Clear();
        isBatch = false;
        if (body.Length > JsonRpcLimits.MaxMessageBytes)
        {
            return JsonRpcStatus.TooLarge;
        }

        var trimmed = body.Trim(" \t\r\n"u8);
        if (trimmed.IsEmpty)
        {
            return JsonRpcStatus.Empty;
        }

        if (!CanStartValue(trimmed))
        {
            // Plain-text bodies ("Accepted" on a 202, form-encoded OAuth token requests) are common on MCP hosts; the
            // reader would throw on their first byte, at depth 0, which is the status returned here without the throw.
            return JsonRpcStatus.InvalidJson;
        }

        var reader = new Utf8JsonReader(body, s_options);
        try
        {
            reader.Read();
            JsonRpcStatus status;
            if (reader.TokenType == JsonTokenType.StartArray)
            {
                isBatch = true;
                status = ReadBatch(ref reader, messages);
            }
            else if (reader.TokenType == JsonTokenType.StartObject)
            {
                status = ReadMessage(ref reader, out var message);
                if (status == JsonRpcStatus.Ok)
                {
                    messages.Add(message);
                }
            }
            else
            {
                reader.Skip();
                status = JsonRpcStatus.NotJsonRpc;
            }

            // Trailing bytes after the value make the whole body malformed (the reader throws on them).
            if (reader.Read())
            {
                messages.Clear();
                return JsonRpcStatus.InvalidJson;
            }

            if (status != JsonRpcStatus.Ok)
            {
                messages.Clear();
            }

            return status;
        }
        catch (JsonException)
        {
            messages.Clear();
            // The reader throws one exception type for every fault; a fault one level short of the cap is the cap.
            return reader.CurrentDepth >= JsonRpcLimits.MaxDepth - 1 ? JsonRpcStatus.TooDeep : JsonRpcStatus.InvalidJson;
        }
    }

    /// <summary>
    /// False when the reader's first <c>Read</c> would throw: the first byte after JSON whitespace starts no JSON value
    /// (RFC 8259 §2), or a literal (<c>true</c>, <c>false</c>, <c>null</c>) is misspelt. True promises nothing.
    /// </summary>
    private static bool CanStartValue(ReadOnlySpan<byte> trimmed) => trimmed[0] switch
    {
        (byte)'{' or (byte)'[' or (byte)'"' or (byte)'-' or (>= (byte)'0' and <= (byte)'9') => true,
        (byte)'t' => trimmed.StartsWith("true"u8),
        (byte)'f' => trimmed.StartsWith("false"u8),
        (byte)'n' => trimmed.StartsWith("null"u8),
        _ => false,
    };

    private static JsonRpcStatus ReadBatch(ref Utf8JsonReader reader, List<JsonRpcMessageInfo> messages)
    {
        var status = JsonRpcStatus.Ok;
        var count = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (++count > JsonRpcLimits.MaxBatchMessages)
            {
                status = JsonRpcStatus.TooLarge;
            }

            if (reader.TokenType != JsonTokenType.StartObject || status != JsonRpcStatus.Ok)
            {
                reader.Skip();
                if (status == JsonRpcStatus.Ok)
                {
                    status = JsonRpcStatus.NotJsonRpc;
                }

                continue;
            }

            var one = ReadMessage(ref reader, out var message);
            if (one == JsonRpcStatus.Ok)
            {
                messages.Add(message);
            }
            else
            {
                status = one;
            }
        }

        return status == JsonRpcStatus.Ok && count == 0 ? JsonRpcStatus.Empty : status;
    }

    // The reader is on the object's StartObject; leaves it on the matching EndObject.
    private static JsonRpcStatus ReadMessage(ref Utf8JsonReader reader, out JsonRpcMessageInfo message)
    {
        var start = (int)reader.TokenStartIndex;
        Range method = default, id = default, name = default, uri = default;
        int? errorCode = null;
        bool hasVersion = false, hasId = false, hasResult = false, hasError = false, hasMethod = false, escapes = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var property = reader;
            reader.Read();
            if (property.ValueTextEquals("jsonrpc"u8))
            {
                hasVersion = reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("2.0"u8);
            }
            else if (property.ValueTextEquals("method"u8))
            {
                hasMethod = reader.TokenType == JsonTokenType.String;
                method = hasMethod ? StringRange(ref reader, ref escapes) : default;
            }
            else if (property.ValueTextEquals("id"u8))
            {
                hasId = reader.TokenType is JsonTokenType.String or JsonTokenType.Number;
                id = hasId ? RawRange(ref reader) : default;
                reader.Skip();
            }
            else if (property.ValueTextEquals("params"u8) && reader.TokenType == JsonTokenType.StartObject)
            {
                ReadParams(ref reader, ref name, ref uri, ref escapes);
            }
            else if (property.ValueTextEquals("result"u8))
            {
                hasResult = true;
                reader.Skip();
            }
            else if (property.ValueTextEquals("error"u8) && reader.TokenType == JsonTokenType.StartObject)
            {
                hasError = true;
                errorCode = ReadErrorCode(ref reader);
            }
            else
            {
                reader.Skip();
            }
        }

        var end = (int)reader.BytesConsumed;
        JsonRpcKind kind;
        if (hasMethod && !hasResult && !hasError)
        {
            kind = hasId ? JsonRpcKind.Request : JsonRpcKind.Notification;
        }
        else if (hasResult && !hasError && !hasMethod)
        {
            kind = JsonRpcKind.Result;
        }
        else if (hasError && !hasResult && !hasMethod)
        {
            kind = JsonRpcKind.Error;
        }
        else
        {
            message = default;
            return JsonRpcStatus.NotJsonRpc;
        }

        message = new JsonRpcMessageInfo(kind, start..end, method, id, name, uri, errorCode, hasVersion, escapes);
        return JsonRpcStatus.Ok;
    }

    private static void ReadParams(ref Utf8JsonReader reader, ref Range name, ref Range uri, ref bool escapes)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isName = reader.ValueTextEquals("name"u8);
            var isUri = !isName && reader.ValueTextEquals("uri"u8);
            reader.Read();
            if (reader.TokenType == JsonTokenType.String && (isName || isUri))
            {
                if (isName)
                {
                    name = StringRange(ref reader, ref escapes);
                }
                else
                {
                    uri = StringRange(ref reader, ref escapes);
                }
            }
            else
            {
                reader.Skip();
            }
        }
    }

    private static int? ReadErrorCode(ref Utf8JsonReader reader)
    {
        int? code = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isCode = reader.ValueTextEquals("code"u8);
            reader.Read();
            if (isCode && reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var value))
            {
                code = value;
            }
            else
            {
                reader.Skip();
            }
        }

        return code;
    }

    private static Range StringRange(ref Utf8JsonReader reader, ref bool escapes)
    {
        escapes |= reader.ValueIsEscaped;
        var start = (int)reader.TokenStartIndex + 1;
        return start..(start + reader.ValueSpan.Length);
    }

    private static Range RawRange(ref Utf8JsonReader reader) => (int)reader.TokenStartIndex..(int)reader.BytesConsumed;
}
