#pragma once

#include "config/Config.h"
#include "config/TreeValue.h"
#include "http/HeaderMap.h"

#include <QByteArray>
#include <QHostAddress>
#include <QStringList>
#include <QUrlQuery>

#include <utility>
#include <vector>

namespace portico {

// One Admin API request, already parsed and read whole (admin bodies are small documents).
struct AdminRequest
{
    QByteArray method;
    QStringList segments; // the path split on '/', percent-decoded: /routes/a%2Fb -> routes, a/b
    QUrlQuery query;
    HeaderMap headers;
    QByteArray body;
    QHostAddress peer;

    bool isRead() const { return method == "GET" || method == "HEAD"; }
};

struct AdminResponse
{
    int status = 200;
    QByteArray contentType = "application/json";
    QByteArray body;
    std::vector<std::pair<QByteArray, QByteArray>> headers; // beyond the framing ones

    static AdminResponse json(int status, const TreeValue &body);
    // {"error": message} plus, for field errors, "errors": [{"path": ..., "message": ...}].
    static AdminResponse error(int status, const QString &message,
                               const ConfigErrors &errors = {});
    static AdminResponse noContent();
    AdminResponse &withHeader(const QByteArray &name, const QByteArray &value);
};

} // namespace portico
