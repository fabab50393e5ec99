#include "PemFiles.h"

#include <QFile>
#include <QFileInfo>
#include <QObject>
#include <QRegularExpression>

namespace portico {

namespace {

// The blocks of `text` whose label ("CERTIFICATE", "EC PRIVATE KEY") matches `label`.
QByteArray blocks(const QByteArray &text, const QRegularExpression &label)
{
    static const QRegularExpression block(
        QStringLiteral("-----BEGIN ([A-Z0-9 ]+)-----[\\s\\S]*?-----END \\1-----"));
    QByteArray out;
    auto it = block.globalMatch(QString::fromLatin1(text));
    while (it.hasNext()) {
        const QRegularExpressionMatch m = it.next();
        if (label.match(m.captured(1)).hasMatch())
            out += m.captured(0).toLatin1() + '\n';
    }
    return out;
}

std::optional<QByteArray> readAll(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QObject::tr("cannot read %1: %2").arg(path, file.errorString());
        return std::nullopt;
    }
    return file.readAll();
}

} // namespace

std::optional<QByteArray> readPemCertificates(const QString &path, QString *error)
{
    static const QRegularExpression label(QStringLiteral("^(X509 |TRUSTED )?CERTIFICATE$"));
    const std::optional<QByteArray> text = readAll(path, error);
    if (!text)
        return std::nullopt;
    QByteArray certificates = blocks(*text, label);
    if (certificates.isEmpty()) {
        *error = QObject::tr("%1 holds no PEM certificate").arg(QFileInfo(path).fileName());
        return std::nullopt;
    }
    return certificates;
}

std::optional<QByteArray> readPemPrivateKey(const QString &path, QString *error)
{
    static const QRegularExpression label(QStringLiteral("PRIVATE KEY$"));
    const std::optional<QByteArray> text = readAll(path, error);
    if (!text)
        return std::nullopt;
    QByteArray key = blocks(*text, label);
    const QString name = QFileInfo(path).fileName();
    if (key.isEmpty()) {
        *error = QObject::tr("%1 holds no PEM private key").arg(name);
        return std::nullopt;
    }
    if (key.contains("ENCRYPTED PRIVATE KEY")) {
        *error = QObject::tr("the key in %1 is encrypted: the gateway needs it unencrypted "
                             "(openssl pkey -in KEY -out PLAIN writes it so)")
                     .arg(name);
        return std::nullopt;
    }
    return key;
}

} // namespace portico
