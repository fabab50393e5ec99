#pragma once

#include "observe/CaptureRecord.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QStringList>

#include <vector>

namespace portico {

class HeaderMap;
struct Config;

// Keeps secrets out of captures, logs and the route tester's verdicts: the values of
// credential header fields are replaced before anyone sees them. Authorization,
// Proxy-Authorization, X-API-Key, Cookie and Set-Cookie always; the key header of every route
// that takes keys, and settings.redact_headers. Compiled once per snapshot.
class Redactor
{
public:
    static constexpr QByteArrayView kRedacted = "[redacted]";

    Redactor();
    explicit Redactor(const QStringList &extraNames);
    // The names settings.redact_headers gives, and every key auth route's key header.
    static Redactor forConfig(const Config &config);

    bool isSecret(QByteArrayView name) const
    {
        return !name.isEmpty() && (m_prefilter & (quint64(1) << prefilterBit(name)))
            && isSecretName(name);
    }
    // The fields with secret values replaced, in order.
    std::vector<CapturedField> redactedFields(const HeaderMap &headers) const;
    // The same, in place.
    void redact(HeaderMap &headers) const;
    // A request target with the values of credential query parameters (apikey, api_key,
    // access_token; names compared case-insensitively, after percent-decoding) replaced;
    // everything else, order and separators included, kept byte for byte. The same bytes,
    // shared, when it has none.
    static QByteArray redactedTarget(const QByteArray &target);

private:
    bool isSecretName(QByteArrayView name) const;
    // Most fields are no secret: a bit test on their length, first and last letter says so
    // (no common field shares a bit with the names always redacted).
    static int prefilterBit(QByteArrayView name)
    {
        return int((name.size() + (name.front() | 0x20) + 2 * (name.back() | 0x20)) & 63);
    }

    std::vector<QByteArray> m_names; // lower case
    quint64 m_prefilter = 0;         // prefilterBit() of every name
};

} // namespace portico
