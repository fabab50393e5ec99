#pragma once

#include "http/HttpMessage.h"
#include "http/HttpParser.h"

#include <QByteArray>
#include <QString>

#include <optional>
#include <utility>
#include <vector>

namespace portico {

struct HttpLimitsConfig;

// A request for the route tester, as a user writes it.
struct TestRequest
{
    QByteArray method = QByteArrayLiteral("GET");
    // "http://host[:port]/path?query", or "/path?query" (Host then comes from `headers` or the
    // gateway's listen address). The path is sent as written: dot segments and escapes reach
    // the gateway's normalization, as they would from a client that does not clean them up.
    QString url;
    std::vector<std::pair<QByteArray, QByteArray>> headers; // in order, as sent
    QString clientIp = QStringLiteral("127.0.0.1");
};

// The request head a client would send for `request`, read by the gateway's own parser with
// the configuration's head limits, so what the gateway refuses there (414, 431, a bad Host,
// a field name that is no token...) comes back as `error`.
struct ComposedHead
{
    QString inputError; // the request cannot be written at all (a line break in a value...)
    std::optional<HttpError> error; // the gateway refuses its head
    RequestHead head;
};

ComposedHead composeRequestHead(const TestRequest &request, const HttpLimitsConfig &limits,
                                const QString &listen);

} // namespace portico
