#include "JwkSet.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace portico {

namespace {

// True when the key verifies at least one algorithm (a 1024-bit RSA key verifies none).
bool verifiesSomething(const JwtKey &key)
{
    for (int i = 0; i < kJwtAlgorithmCount; ++i) {
        if (key.canVerify(JwtAlgorithm(i)))
            return true;
    }
    return false;
}

} // namespace

std::shared_ptr<const JwtKey> JwkSet::findByKid(QByteArrayView kid) const
{
    for (const auto &key : keys) {
        if (key->kid() == kid)
            return key;
    }
    return nullptr;
}

std::optional<JwkSet> parseJwkSet(QByteArrayView json, QString *error)
{
    const auto fail = [error](const QString &message) {
        if (error)
            *error = message;
        return std::nullopt;
    };
    if (json.size() > kMaxJwkSetBytes)
        return fail(QStringLiteral("JWK Set is larger than 512 KiB"));
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json.toByteArray(), &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return fail(QStringLiteral("JWK Set is not JSON: %1").arg(parseError.errorString()));
    const QJsonValue keys = document.object().value(QLatin1String("keys"));
    if (!document.isObject() || !keys.isArray())
        return fail(QStringLiteral("not a JWK Set (expected an object with a \"keys\" array)"));
    const QJsonArray array = keys.toArray();
    if (array.size() > kMaxJwkSetKeys)
        return fail(QStringLiteral("JWK Set has more than %1 keys").arg(kMaxJwkSetKeys));

    JwkSet set;
    for (qsizetype i = 0; i < array.size(); ++i) {
        const QJsonValue entry = array.at(i);
        const QString where = QStringLiteral("keys[%1]").arg(i);
        if (!entry.isObject()) {
            set.skipped.append(where + QStringLiteral(": not a JSON object"));
            continue;
        }
        QString reason;
        std::shared_ptr<const JwtKey> key = JwtKey::fromJwk(entry.toObject(), &reason);
        if (!key) {
            set.skipped.append(where + QStringLiteral(": ") + reason);
            continue;
        }
        if (!verifiesSomething(*key)) {
            set.skipped.append(
                where
                + QStringLiteral(": key too weak for any algorithm (%1 bits)").arg(key->bits()));
            continue;
        }
        set.keys.push_back(std::move(key));
    }
    return set;
}

} // namespace portico
