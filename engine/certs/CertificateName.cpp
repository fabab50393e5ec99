#include "CertificateName.h"

#include <QHostAddress>
#include <QStringList>
#include <QUrl>

#include <algorithm>

namespace portico {

namespace {

constexpr int kMaxNameLength = 253; // RFC 1035, without the trailing dot
constexpr int kMaxLabelLength = 63;

bool isDigits(QStringView text)
{
    return !text.isEmpty()
        && std::all_of(text.begin(), text.end(), [](QChar c) { return c.isDigit(); });
}

// Four decimal numbers 0..255; no shorthand ("127.1") and no leading zeros, which some
// resolvers read as octal.
bool isDottedQuad(const QString &text)
{
    const QStringList parts = text.split(QLatin1Char('.'));
    if (parts.size() != 4)
        return false;
    for (const QString &part : parts) {
        if (!isDigits(part) || part.size() > 3 || (part.size() > 1 && part.startsWith(u'0'))
            || part.toInt() > 255)
            return false;
    }
    return true;
}

bool isHostLabelChar(QChar c)
{
    return (c >= u'a' && c <= u'z') || (c >= u'0' && c <= u'9') || c == u'-';
}

// Why `label` cannot be one label of a host name; empty when it can.
QString labelProblem(const QString &label)
{
    if (label.isEmpty())
        return QStringLiteral("it has an empty label");
    if (label.size() > kMaxLabelLength)
        return QStringLiteral("a label is longer than %1 characters").arg(kMaxLabelLength);
    if (label.contains(u'*'))
        return QStringLiteral("a wildcard may only be the whole leftmost label (\"*.app.test\")");
    if (!std::all_of(label.begin(), label.end(), isHostLabelChar))
        return QStringLiteral("only letters, digits, hyphens and dots may appear in a host name");
    if (label.startsWith(u'-') || label.endsWith(u'-'))
        return QStringLiteral("a label may not start or end with a hyphen");
    return {};
}

} // namespace

std::optional<CertificateName> parseCertificateName(const QString &name, QString *error)
{
    const auto refuse = [&](const QString &why) {
        *error = QStringLiteral("\"%1\" is not a valid certificate name: %2").arg(name, why);
        return std::nullopt;
    };
    if (name.isEmpty()) {
        *error = QStringLiteral("a certificate name is empty");
        return std::nullopt;
    }
    // Only IPv6 literals have colons; a scope ("%eth0") means nothing to a certificate.
    if (name.contains(u':')) {
        QHostAddress address;
        if (!address.setAddress(name) || address.protocol() != QAbstractSocket::IPv6Protocol
            || !address.scopeId().isEmpty())
            return refuse(QStringLiteral("it is not an IPv6 address"));
        return CertificateName{CertificateName::Kind::IpAddress, address.toString()};
    }
    if (std::all_of(name.begin(), name.end(), [](QChar c) { return c.isDigit() || c == u'.'; })) {
        if (!isDottedQuad(name))
            return refuse(QStringLiteral("it is not an IPv4 address (four numbers 0 to 255)"));
        return CertificateName{CertificateName::Kind::IpAddress, QHostAddress(name).toString()};
    }

    QString host = name.toLower();
    const bool wildcard = host.startsWith(QLatin1String("*."));
    if (wildcard)
        host.remove(0, 2);
    if (host.endsWith(u'.'))
        return refuse(QStringLiteral("it ends with a dot"));
    // International names go into certificates in their ASCII (IDNA) form.
    if (std::any_of(host.begin(), host.end(), [](QChar c) { return c.unicode() > 0x7f; })) {
        host = QString::fromLatin1(QUrl::toAce(host));
        if (host.isEmpty())
            return refuse(QStringLiteral("it is not a valid international domain name"));
    }
    if (host.size() + (wildcard ? 2 : 0) > kMaxNameLength)
        return refuse(QStringLiteral("it is longer than %1 characters").arg(kMaxNameLength));
    const QStringList labels = host.split(u'.');
    for (const QString &label : labels) {
        if (const QString problem = labelProblem(label); !problem.isEmpty())
            return refuse(problem);
    }
    if (isDigits(labels.back()))
        return refuse(QStringLiteral("its last label is a number"));
    // Browsers refuse a wildcard for a whole top-level domain ("*.test").
    if (wildcard && labels.size() < 2)
        return refuse(QStringLiteral("a wildcard needs at least two labels after \"*.\""));
    return CertificateName{CertificateName::Kind::Dns,
                           wildcard ? QLatin1String("*.") + host : host};
}

} // namespace portico
