#include "ApiKeys.h"

#include <QCryptographicHash>

#include <openssl/rand.h>

#include <algorithm>

namespace portico {

namespace {

constexpr QLatin1StringView kHashScheme("sha256:");
constexpr QLatin1StringView kIdPrefix("key_");
constexpr int kKeyChars = 43; // 62^43 > 2^256
constexpr char kBase62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

bool isLowerHex(QStringView text)
{
    return std::all_of(text.begin(), text.end(), [](QChar c) {
        return (c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'f');
    });
}

} // namespace

QString generateApiKey()
{
    QString key = QStringLiteral("pk_");
    unsigned char random[64];
    while (key.size() < 3 + kKeyChars) {
        if (RAND_bytes(random, sizeof random) != 1)
            qFatal("OpenSSL's random generator failed"); // never hand out a weak key
        for (unsigned char byte : random) {
            // Rejection sampling: 248 = 4 * 62, so every character is equally likely.
            if (byte < 248 && key.size() < 3 + kKeyChars)
                key.append(QLatin1Char(kBase62[byte % 62]));
        }
    }
    return key;
}

QString hashApiKey(QStringView plaintext)
{
    const QByteArray digest =
        QCryptographicHash::hash(plaintext.toUtf8(), QCryptographicHash::Sha256);
    return kHashScheme + QString::fromLatin1(digest.toHex());
}

bool isApiKeyHash(QStringView text)
{
    return text.size() == kHashScheme.size() + 64 && text.startsWith(kHashScheme)
        && isLowerHex(text.sliced(kHashScheme.size()));
}

QString apiKeyDisplayPrefix(QStringView plaintext)
{
    // Generated keys show "pk_" and five more characters; short hand-made keys show a third.
    const qsizetype shown = std::min<qsizetype>(8, plaintext.size() / 3);
    return plaintext.first(shown).toString();
}

QString apiKeyIdFromHash(QStringView hash)
{
    Q_ASSERT(isApiKeyHash(hash));
    return kIdPrefix + hash.sliced(kHashScheme.size(), 16).toString();
}

bool isApiKeyId(QStringView text)
{
    return text.size() == kIdPrefix.size() + 16 && text.startsWith(kIdPrefix)
        && isLowerHex(text.sliced(kIdPrefix.size()));
}

} // namespace portico
