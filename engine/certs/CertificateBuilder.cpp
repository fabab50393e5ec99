#include "CertificateBuilder.h"

#include <openssl/bn.h>
#include <openssl/err.h>

namespace portico::x509 {

namespace {

using BignumPtr = std::unique_ptr<BIGNUM, Deleter<BN_free>>;
using GeneralNamePtr = std::unique_ptr<GENERAL_NAME, Deleter<GENERAL_NAME_free>>;
using Ia5StringPtr = std::unique_ptr<ASN1_IA5STRING, Deleter<ASN1_IA5STRING_free>>;
using OctetStringPtr = std::unique_ptr<ASN1_OCTET_STRING, Deleter<ASN1_OCTET_STRING_free>>;

constexpr int kSerialBits = 128;
constexpr int kMaxNameFieldLength = 64; // ub-common-name, ub-organization-name, ...

bool setTime(ASN1_TIME *field, const QDateTime &time)
{
    return ASN1_TIME_set(field, time_t(time.toSecsSinceEpoch())) != nullptr;
}

bool setRandomSerial(X509 *certificate)
{
    BignumPtr serial(BN_new());
    // Zero is no valid serial: draw again (one chance in 2^128).
    do {
        if (!serial || BN_rand(serial.get(), kSerialBits, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1)
            return false;
    } while (BN_is_zero(serial.get()));
    return BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(certificate)) != nullptr;
}

GeneralNamePtr alternativeName(const CertificateName &name)
{
    GeneralNamePtr general(GENERAL_NAME_new());
    if (!general)
        return nullptr;
    const QByteArray text = name.text.toLatin1(); // ASCII by construction
    if (name.kind == CertificateName::Kind::Dns) {
        Ia5StringPtr dns(ASN1_IA5STRING_new());
        if (!dns || ASN1_STRING_set(dns.get(), text.constData(), int(text.size())) != 1)
            return nullptr;
        GENERAL_NAME_set0_value(general.get(), GEN_DNS, dns.release());
    } else {
        OctetStringPtr address(a2i_IPADDRESS(text.constData()));
        if (!address)
            return nullptr;
        GENERAL_NAME_set0_value(general.get(), GEN_IPADD, address.release());
    }
    return general;
}

} // namespace

PkeyPtr generateP256Key(QString *error)
{
    ERR_clear_error();
    PkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
    if (!key)
        *error = openSslError(QStringLiteral("cannot generate an EC P-256 key"));
    return key;
}

X509Ptr newCertificate(EVP_PKEY *publicKey, const QDateTime &notBefore, const QDateTime &notAfter,
                       QString *error)
{
    ERR_clear_error();
    X509Ptr certificate(X509_new());
    if (!certificate || X509_set_version(certificate.get(), X509_VERSION_3) != 1
        || !setRandomSerial(certificate.get())
        || !setTime(X509_getm_notBefore(certificate.get()), notBefore)
        || !setTime(X509_getm_notAfter(certificate.get()), notAfter)
        || X509_set_pubkey(certificate.get(), publicKey) != 1) {
        *error = openSslError(QStringLiteral("cannot create a certificate"));
        return nullptr;
    }
    return certificate;
}

bool addNameEntry(X509_NAME *name, const char *field, const QString &value, QString *error)
{
    const QByteArray utf8 = value.left(kMaxNameFieldLength).toUtf8();
    if (X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char *>(utf8.constData()),
                                   int(utf8.size()), -1, 0)
        != 1) {
        *error = openSslError(
            QStringLiteral("cannot set the certificate's %1").arg(QLatin1String(field)));
        return false;
    }
    return true;
}

bool addExtension(X509 *certificate, X509 *issuer, int nid, const char *value, QString *error)
{
    X509V3_CTX context;
    X509V3_set_ctx_nodb(&context);
    X509V3_set_ctx(&context, issuer, certificate, nullptr, nullptr, 0);
    ExtensionPtr extension(X509V3_EXT_conf_nid(nullptr, &context, nid, value));
    if (!extension || X509_add_ext(certificate, extension.get(), -1) != 1) {
        *error = openSslError(QStringLiteral("cannot add the extension %1 = %2")
                                  .arg(QLatin1String(OBJ_nid2sn(nid)), QLatin1String(value)));
        return false;
    }
    return true;
}

bool addAlternativeNames(X509 *certificate, const QList<CertificateName> &names, QString *error)
{
    GeneralNamesPtr generalNames(GENERAL_NAMES_new());
    for (const CertificateName &name : names) {
        GeneralNamePtr general = alternativeName(name);
        if (!generalNames || !general || !sk_GENERAL_NAME_push(generalNames.get(), general.get())) {
            *error = openSslError(QStringLiteral("cannot add the name %1").arg(name.text));
            return false;
        }
        general.release(); // the stack owns it now
    }
    if (X509_add1_ext_i2d(certificate, NID_subject_alt_name, generalNames.get(), 0,
                          X509V3_ADD_DEFAULT)
        != 1) {
        *error = openSslError(QStringLiteral("cannot add the subject alternative names"));
        return false;
    }
    return true;
}

bool sign(X509 *certificate, EVP_PKEY *issuerKey, QString *error)
{
    if (X509_sign(certificate, issuerKey, EVP_sha256()) <= 0) {
        *error = openSslError(QStringLiteral("cannot sign the certificate"));
        return false;
    }
    return true;
}

} // namespace portico::x509
