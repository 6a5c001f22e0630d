namespace EdgeRegistry.Tests.Shared;

/// <summary>
/// PEM files of a test server certificate: the leaf, its PKCS#8 key, the issuing CA, and a directory
/// holding <c>ca.crt</c> in the layout skopeo's <c>--src-cert-dir</c>/<c>--dest-cert-dir</c> expect.
/// </summary>
public sealed record TlsFiles(string CertificatePath, string KeyPath, string CaCertificatePath, string ClientCertDirectory);
