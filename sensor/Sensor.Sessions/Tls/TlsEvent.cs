using System.Text.Json;
using Sensor.Core.Events;
using Sensor.Core.Json;

namespace Sensor.Sessions.Tls;

/// <summary><c>tls</c>: one per handshake (events.md; Suricata's tls record plus JA4 and ECH).</summary>
public sealed class TlsEvent : SensorEvent
{
    public TlsEvent(long timestampMicros, FlowIdentity flow)
        : base(timestampMicros, flow)
    {
    }

    public override string EventType => "tls";

    public string? Sni { get; init; }

    /// <summary>"TLS 1.3", "TLS 1.2"... as Suricata writes it: the negotiated version, else the highest offered.</summary>
    public string? Version { get; init; }

    public IReadOnlyList<string> ClientAlpns { get; init; } = [];

    public string? ServerAlpn { get; init; }

    public IReadOnlyList<string> OfferedVersions { get; init; } = [];

    public string? Ja3Hash { get; init; }

    public string? Ja3String { get; init; }

    public string? Ja3sHash { get; init; }

    public string? Ja3sString { get; init; }

    public string? Ja4 { get; init; }

    public string? CipherSuite { get; init; }

    public string? Subject { get; init; }

    public string? Issuer { get; init; }

    public IReadOnlyList<string> SubjectAltNames { get; init; } = [];

    public bool? SniMatchesCertificate { get; init; }

    public bool Ech { get; init; }

    public bool Decrypted { get; init; }

    /// <summary>The session's client application-data count: it goes on counting after this event, until the session stops reading.</summary>
    public TlsTraffic? Traffic { get; init; }

    public override void WriteBody(Utf8JsonWriter writer)
    {
        writer.WriteStartObject("tls"u8);
        WriteOptional(writer, "sni"u8, Sni);
        WriteOptional(writer, "version"u8, Version);
        WriteList(writer, "alpn"u8, ClientAlpns);
        WriteList(writer, "client_alpns"u8, ClientAlpns);
        if (ServerAlpn is not null)
        {
            writer.WriteStartArray("server_alpns"u8);
            writer.WriteStringValue(ServerAlpn);
            writer.WriteEndArray();
        }

        WriteList(writer, "offered_versions"u8, OfferedVersions);
        WriteOptional(writer, "cipher_suite"u8, CipherSuite);
        WriteHashPair(writer, "ja3"u8, Ja3Hash, Ja3String);
        WriteHashPair(writer, "ja3s"u8, Ja3sHash, Ja3sString);
        WriteOptional(writer, "ja4"u8, Ja4);
        WriteOptional(writer, "subject"u8, Subject);
        WriteOptional(writer, "issuerdn"u8, Issuer);
        if (SubjectAltNames.Count > 0)
        {
            WriteList(writer, "subjectaltname"u8, SubjectAltNames);
        }

        if (SniMatchesCertificate is { } matches)
        {
            writer.WriteBoolean("sni_matches_cert"u8, matches);
        }

        writer.WriteBoolean("ech"u8, Ech);

        // A ClientHello without a server name: the destination is hidden from SNI-based policy (IP-only clients, evasion).
        writer.WriteBoolean("sni_missing"u8, Sni is null && Ja4 is not null);
        writer.WriteBoolean("decrypted"u8, Decrypted);
        writer.WriteEndObject();
    }

    private static void WriteOptional(Utf8JsonWriter writer, ReadOnlySpan<byte> name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    private static void WriteList(Utf8JsonWriter writer, ReadOnlySpan<byte> name, IReadOnlyList<string> values)
    {
        writer.WriteStartArray(name);
        for (var i = 0; i < values.Count; i++) // by index: foreach over the interface would box an enumerator per list
        {
            writer.WriteStringValue(values[i]);
        }

        writer.WriteEndArray();
    }

    private static void WriteHashPair(Utf8JsonWriter writer, ReadOnlySpan<byte> name, string? hash, string? text)
    {
        if (hash is null)
        {
            return;
        }

        writer.WriteStartObject(name);
        writer.WriteString("hash"u8, hash);
        writer.WriteString("string"u8, text);
        writer.WriteEndObject();
    }

    /// <summary>The same bytes as <see cref="WriteBody"/>, built as bytes: one per handshake, in every metadata run.</summary>
    public override bool TryWritePlainBody(PlainJsonBuilder json)
    {
        json.StartObject("tls"u8);
        TextIf(json, "sni"u8, Sni);
        TextIf(json, "version"u8, Version);
        TextList(json, "alpn"u8, ClientAlpns);
        TextList(json, "client_alpns"u8, ClientAlpns);
        if (ServerAlpn is not null)
        {
            json.StartArray("server_alpns"u8);
            json.TextValue(ServerAlpn);
            json.EndArray();
        }

        TextList(json, "offered_versions"u8, OfferedVersions);
        TextIf(json, "cipher_suite"u8, CipherSuite);
        HashPair(json, "ja3"u8, Ja3Hash, Ja3String);
        HashPair(json, "ja3s"u8, Ja3sHash, Ja3sString);
        TextIf(json, "ja4"u8, Ja4);
        TextIf(json, "subject"u8, Subject);
        TextIf(json, "issuerdn"u8, Issuer);
        if (SubjectAltNames.Count > 0)
        {
            TextList(json, "subjectaltname"u8, SubjectAltNames);
        }

        if (SniMatchesCertificate is { } matches)
        {
            json.Boolean("sni_matches_cert"u8, matches);
        }

        json.Members(s_tailMembers[(Ech ? 4 : 0) | (Sni is null && Ja4 is not null ? 2 : 0) | (Decrypted ? 1 : 0)]);
        json.EndObject();
        return true;
    }

    /// <summary><c>"ech":..,"sni_missing":..,"decrypted":..</c> for each of their eight combinations, encoded once.</summary>
    private static readonly byte[][] s_tailMembers = [.. Enumerable.Range(0, 8).Select(i =>
        System.Text.Encoding.ASCII.GetBytes($"\"ech\":{Bool(i & 4)},\"sni_missing\":{Bool(i & 2)},\"decrypted\":{Bool(i & 1)}"))];

    private static string Bool(int bit) => bit != 0 ? "true" : "false";

    private static void TextIf(PlainJsonBuilder json, ReadOnlySpan<byte> name, string? value)
    {
        if (value is not null)
        {
            json.Text(name, value);
        }
    }

    private static void TextList(PlainJsonBuilder json, ReadOnlySpan<byte> name, IReadOnlyList<string> values)
    {
        json.StartArray(name);
        for (var i = 0; i < values.Count; i++)
        {
            json.TextValue(values[i]);
        }

        json.EndArray();
    }

    private static void HashPair(PlainJsonBuilder json, ReadOnlySpan<byte> name, string? hash, string? text)
    {
        if (hash is null)
        {
            return;
        }

        json.StartObject(name);
        json.Text("hash"u8, hash);
        json.Text("string"u8, text);
        json.EndObject();
    }
}
