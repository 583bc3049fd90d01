import Crypto
import Foundation
import SwiftASN1
import X509

/// The self-signed certificate of the emulator's HTTPS listener (`apimsync emulator --tls`), made at start: the
/// Azure SDKs refuse to send a bearer token over plain http, so they talk to the emulator over TLS and trust this
/// certificate through `REQUESTS_CA_BUNDLE` / `SSL_CERT_FILE`.
///
/// A P-256 key, valid from an hour ago for 30 days, for the names and addresses it is made for (always
/// `localhost`, `127.0.0.1` and `::1`), for TLS servers. It is its own issuer, so the PEM is the whole trust chain.
public struct EmulatorCertificate: Sendable {
    /// The certificate, PEM (`-----BEGIN CERTIFICATE-----`).
    public let certificatePEM: String
    /// The private key, PEM; only the listener uses it.
    let privateKeyPEM: String
    /// The certificate's DER bytes.
    public let der: [UInt8]
    /// SHA-256 of the DER bytes as upper-case hex pairs joined by `:`, as `openssl x509 -fingerprint -sha256` prints.
    public let sha256Fingerprint: String
    /// The DNS names and IP addresses the certificate is valid for.
    public let hosts: [String]

    /// Makes a new key and certificate for `hosts` (plus `localhost`, `127.0.0.1` and `::1`).
    public static func selfSigned(hosts extraHosts: [String] = [], now: Date = Date()) throws -> EmulatorCertificate {
        var hosts = ["localhost", "127.0.0.1", "::1"]
        for host in extraHosts where !host.isEmpty && !hosts.contains(host) && host != "0.0.0.0" && host != "::" {
            hosts.append(host)
        }
        let key = P256.Signing.PrivateKey()
        let publicKey = Certificate.PublicKey(key.publicKey)
        let name = try DistinguishedName {
            OrganizationName("apimsync")
            CommonName("apimsync emulator")
        }
        let identifier = SubjectKeyIdentifier(hash: publicKey)
        let names = hosts.map { host -> GeneralName in
            if let address = Self.addressBytes(host) { return .ipAddress(ASN1OctetString(contentBytes: address[...])) }
            return .dnsName(host)
        }
        let extensions = try Certificate.Extensions {
            // Its own trust anchor: TLS libraries (BoringSSL among them) accept a self-signed certificate as one
            // only when it may sign certificates, as `openssl req -x509` makes them; path length 0 keeps it from
            // vouching for any other.
            Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
            Critical(KeyUsage(digitalSignature: true, keyCertSign: true))
            try ExtendedKeyUsage([.serverAuth])
            SubjectAlternativeNames(names)
            identifier
            AuthorityKeyIdentifier(keyIdentifier: identifier.keyIdentifier)
        }
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: publicKey,
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(30 * 86_400),
            issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256, extensions: extensions,
            issuerPrivateKey: Certificate.PrivateKey(key))
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        let der = serializer.serializedBytes
        return EmulatorCertificate(
            certificatePEM: try certificate.serializeAsPEM().pemString, privateKeyPEM: key.pemRepresentation,
            der: der,
            sha256Fingerprint: SHA256.hash(data: der).map { String(format: "%02X", $0) }.joined(separator: ":"),
            hosts: hosts)
    }

    /// The 4 or 16 bytes of an IPv4 or IPv6 address, or nil for a name.
    static func addressBytes(_ host: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, host, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, host, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }
}
