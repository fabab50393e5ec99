#include "DeclarativeReader.h"

#include "ApiKeys.h"

#include <yaml-cpp/yaml.h>

// DeclarativeReader's times and API keys; the rest of it is in DeclarativeReader.cpp.

namespace portico {

QString formatTimestamp(const QDateTime &time)
{
    return time.toUTC().toString(Qt::ISODate);
}

QDateTime currentTimestamp()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    return now.addMSecs(-now.time().msec());
}

void DeclarativeReader::readDateTime(const YAML::Node &node, const QString &path, QDateTime &out)
{
    if (node.IsNull())
        return;
    if (!node.IsScalar()) {
        error(path, QStringLiteral("expected a time such as 2026-01-31T12:00:00Z"));
        return;
    }
    const QString text = QString::fromStdString(node.Scalar());
    QDateTime time = QDateTime::fromString(text, Qt::ISODate);
    // A time without a zone would mean whatever zone the machine is in: refuse it.
    const bool zoned =
        text.endsWith(u'Z') || text.lastIndexOf(u'+') > 10 || text.lastIndexOf(u'-') > 10;
    if (!time.isValid() || !zoned) {
        error(path, QStringLiteral("expected a UTC time such as 2026-01-31T12:00:00Z"));
        return;
    }
    time = time.toUTC();
    time.setTime(QTime(time.time().hour(), time.time().minute(), time.time().second()));
    out = time;
}

void DeclarativeReader::readApiKey(const YAML::Node &node, const QString &base, ApiKeyConfig &key)
{
    QString plaintext;
    bool hasPlaintext = false;
    readMap(node, base, [&](const std::string &name, const YAML::Node &value, const QString &path) {
        if (name == "key") {
            hasPlaintext = !value.IsNull();
            readString(value, path, plaintext);
        } else if (name == "id") {
            readString(value, path, key.id);
        } else if (name == "hash") {
            readString(value, path, key.hash);
        } else if (name == "prefix") {
            readString(value, path, key.prefix);
        } else if (name == "created") {
            readDateTime(value, path, key.created);
        } else if (name == "expires") {
            readDateTime(value, path, key.expires);
        } else if (name == "revoked") {
            readDateTime(value, path, key.revoked);
        } else {
            return false;
        }
        return true;
    });
    if (hasPlaintext) {
        if (!key.hash.isEmpty() || !key.prefix.isEmpty() || !key.id.isEmpty()) {
            error(base, QStringLiteral("give either key (plaintext) or id/hash/prefix, not both"));
            return;
        }
        if (plaintext.isEmpty()) {
            error(base + QStringLiteral(".key"), QStringLiteral("empty key"));
            return;
        }
        // The plaintext goes no further than this function.
        key.hash = hashApiKey(plaintext);
        key.prefix = apiKeyDisplayPrefix(plaintext);
    } else if (key.hash.isEmpty()) {
        error(base, QStringLiteral("expected key (plaintext) or hash"));
        return;
    }
    if (key.id.isEmpty() && isApiKeyHash(key.hash))
        key.id = apiKeyIdFromHash(key.hash);
    if (!key.created.isValid())
        key.created = currentTimestamp();
}

} // namespace portico
