#include "CertificateInfo.h"

#include "X509Support.h"

#include <QHostAddress>
#include <QtEndian>

#include <openssl/err.h>

#include <ctime>

namespace portico {

namespace {

using namespace x509;

QString asn1Text(const ASN1_STRING *value)
{
    unsigned char *utf8 = nullptr;
    const int length = ASN1_STRING_to_UTF8(&utf8, value);
    if (length < 0)
        return {};
    const QString text = QString::fromUtf8(reinterpret_cast<const char *>(utf8), length);
    OPENSSL_free(utf8);
    return text;
}

// The common name, which is how people name a certificate; the whole name when it has none.
QString nameText(const X509_NAME *name)
{
    const int index = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
    if (index >= 0)
        return asn1Text(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, index)));
    BioPtr bio(BIO_new(BIO_s_mem()));
    // One line ("C = DE, O = Example"), with UTF-8 left as it is rather than escaped.
    X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_ONELINE & ~ASN1_STRFLGS_ESC_MSB);
    char *data = nullptr;
    const long size = BIO_get_mem_data(bio.get(), &data);
    return QString::fromUtf8(data, qsizetype(size));
}

QDateTime utcTime(const ASN1_TIME *time)
{
    std::tm parts{};
    if (ASN1_TIME_to_tm(time, &parts) != 1)
        return {};
    return QDateTime(QDate(parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday),
                     QTime(parts.tm_hour, parts.tm_min, parts.tm_sec), Qt::UTC);
}

void readAlternativeNames(X509 *certificate, CertificateInfo *info)
{
    GeneralNamesPtr names(static_cast<GENERAL_NAMES *>(
        X509_get_ext_d2i(certificate, NID_subject_alt_name, nullptr, nullptr)));
    for (int i = 0; names && i < sk_GENERAL_NAME_num(names.get()); ++i) {
        const GENERAL_NAME *name = sk_GENERAL_NAME_value(names.get(), i);
        if (name->type == GEN_DNS) {
            info->dnsNames.append(asn1Text(name->d.dNSName));
        } else if (name->type == GEN_IPADD) {
            const ASN1_OCTET_STRING *bytes = name->d.iPAddress;
            const uchar *data = ASN1_STRING_get0_data(bytes);
            const int length = ASN1_STRING_length(bytes);
            if (length == 4)
                info->ipAddresses.append(QHostAddress(qFromBigEndian<quint32>(data)).toString());
            else if (length == 16)
                info->ipAddresses.append(QHostAddress(data).toString());
        }
    }
}

QString sha256Fingerprint(X509 *certificate)
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (X509_digest(certificate, EVP_sha256(), digest, &length) != 1)
        return {};
    const QByteArray bytes(reinterpret_cast<const char *>(digest), qsizetype(length));
    return QString::fromLatin1(bytes.toHex(':').toUpper());
}

} // namespace

CertificateInfo x509::describe(X509 *certificate, int chainLength)
{
    CertificateInfo info;
    info.subject = nameText(X509_get_subject_name(certificate));
    info.issuer = nameText(X509_get_issuer_name(certificate));
    readAlternativeNames(certificate, &info);
    info.notBefore = utcTime(X509_get0_notBefore(certificate));
    info.notAfter = utcTime(X509_get0_notAfter(certificate));
    info.sha256Fingerprint = sha256Fingerprint(certificate);
    info.isCa = (X509_get_extension_flags(certificate) & EXFLAG_CA) != 0;
    info.selfSigned = X509_self_signed(certificate, 1) == 1;
    info.chainLength = chainLength;
    ERR_clear_error(); // a certificate that is not self-signed leaves its reason queued
    return info;
}

std::optional<CertificateInfo> inspectCertificate(const QByteArray &pemChain, QString *error)
{
    const std::vector<X509Ptr> chain = readCertificates(pemChain, error);
    if (chain.empty())
        return std::nullopt;
    return describe(chain.front().get(), int(chain.size()));
}

QStringList servedNames(const CertificateInfo &info)
{
    const QStringList alternativeNames = info.dnsNames + info.ipAddresses;
    if (!alternativeNames.isEmpty() || info.subject.isEmpty())
        return alternativeNames;
    return {info.subject};
}

bool keyMatchesCertificate(const QByteArray &pemChain, const QByteArray &keyPem, QString *error)
{
    const std::vector<X509Ptr> chain = readCertificates(pemChain, error);
    if (chain.empty())
        return false;
    const PkeyPtr key = readPrivateKey(keyPem, error);
    if (!key)
        return false;
    if (EVP_PKEY_eq(X509_get0_pubkey(chain.front().get()), key.get()) != 1) {
        ERR_clear_error();
        *error = QStringLiteral("the key does not belong to the certificate");
        return false;
    }
    return true;
}

int daysUntilExpiry(const CertificateInfo &info, const QDateTime &now)
{
    constexpr qint64 kSecondsPerDay = 86400;
    const qint64 seconds = now.secsTo(info.notAfter);
    // Rounded toward minus infinity: a second past expiry is day -1, not day 0.
    const qint64 days = seconds >= 0 ? seconds / kSecondsPerDay
                                     : -((-seconds + kSecondsPerDay - 1) / kSecondsPerDay);
    return int(days);
}

} // namespace portico
