#include "ApiKeys.h"

#include "Config.h"

#include <QCryptographicHash>

#include <openssl/rand.h>

#include <algorithm>
#include <cstring>

namespace portico {

namespace {

constexpr QLatin1StringView kHashScheme("sha256:");
constexpr QLatin1StringView kIdPrefix("key_");
constexpr int kKeyChars = 43; // 62^43 > 2^256
constexpr char kBase62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

// Validation checks every stored key, so these avoid the generic string comparisons.
bool hasPrefix(QStringView text, QLatin1StringView prefix)
{
    if (text.size() < prefix.size())
        return false;
    for (qsizetype i = 0; i < prefix.size(); ++i) {
        if (text[i].unicode() != uchar(prefix[i].toLatin1()))
            return false;
    }
    return true;
}

bool isLowerHex(QStringView text)
{
    // Four UTF-16 units at a time: each 16-bit lane x (below 0x80) gets bit 15 set by adding
    // 0x8000 - c exactly when x >= c, so the ranges '0'-'9' and 'a'-'f' cost a few operations.
    constexpr quint64 kLanes = 0x0001000100010001ULL;
    constexpr quint64 kHigh = 0x8000 * kLanes;
    const auto atLeast = [](quint64 x, quint64 c) { return x + (0x8000 - c) * kLanes; };
    qsizetype i = 0;
    for (; i + 4 <= text.size(); i += 4) {
        quint64 x;
        std::memcpy(&x, text.data() + i, sizeof x);
        if (x & (0xff80 * kLanes))
            return false;
        const quint64 digit = atLeast(x, '0') & ~atLeast(x, '9' + 1);
        const quint64 letter = atLeast(x, 'a') & ~atLeast(x, 'f' + 1);
        if (((digit | letter) & kHigh) != kHigh)
            return false;
    }
    for (; i < text.size(); ++i) {
        const char16_t u = text[i].unicode();
        if (!((u >= u'0' && u <= u'9') || (u >= u'a' && u <= u'f')))
            return false;
    }
    return true;
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
    return text.size() == kHashScheme.size() + 64 && hasPrefix(text, kHashScheme)
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
    return text.size() == kIdPrefix.size() + 16 && hasPrefix(text, kIdPrefix)
        && isLowerHex(text.sliced(kIdPrefix.size()));
}

ApiKeyConfig storedApiKey(QStringView plaintext, const QDateTime &created)
{
    ApiKeyConfig key;
    key.hash = hashApiKey(plaintext);
    key.id = apiKeyIdFromHash(key.hash);
    key.prefix = apiKeyDisplayPrefix(plaintext);
    key.created = created;
    return key;
}

} // namespace portico
