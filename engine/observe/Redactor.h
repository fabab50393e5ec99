#pragma once

#include "observe/CaptureRecord.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QStringList>

#include <vector>

namespace portico {

class HeaderMap;

// Keeps secrets out of captures and logs: the values of credential header fields are replaced
// before a record is built. Authorization, Proxy-Authorization, X-API-Key, Cookie and
// Set-Cookie always; more names from settings.redact_headers. Compiled once per snapshot.
class Redactor
{
public:
    static constexpr QByteArrayView kRedacted = "[redacted]";

    Redactor();
    explicit Redactor(const QStringList &extraNames);

    bool isSecret(QByteArrayView name) const;
    // The fields with secret values replaced, in order.
    std::vector<CapturedField> redactedFields(const HeaderMap &headers) const;
    // A request target with the values of credential query parameters (apikey, api_key,
    // access_token; names compared case-insensitively, after percent-decoding) replaced;
    // everything else, order and separators included, kept byte for byte. The same bytes,
    // shared, when it has none.
    static QByteArray redactedTarget(const QByteArray &target);

private:
    std::vector<QByteArray> m_names; // lower case
    quint64 m_lengths = 0;           // bit n set: some name has n characters (n < 64)
};

} // namespace portico
