#pragma once

#include "config/Config.h"

#include <QByteArray>
#include <QString>

#include <optional>
#include <vector>

namespace portico {

// Writes nginx configuration text: directives and indented blocks.
class NginxWriter
{
public:
    void line(const QString &text);
    void comment(const QString &text) { line(QStringLiteral("# ") + text); }
    void open(const QString &header); // "header {"
    void close();                     // "}"
    void blank();
    QByteArray text() const { return m_text; }

private:
    QByteArray m_text;
    int m_depth = 0;
};

// A token as nginx reads it back unchanged: bare when it is made of plain characters, else in
// double quotes with '"' and a doubled backslash escaped.
QString nginxQuote(const QString &token);

// The location matches a Portico route path needs: "/users" -> {"/users/", "= /users"} (the
// pair keeps segment boundaries), "/users/" -> {"/users/"}, "=/x" -> {"= /x"},
// "~re" -> {"~ re"}. Percent-escapes are decoded: nginx matches the decoded path.
std::vector<QString> nginxLocationMatches(const QString &porticoPath);

QString nginxUpstreamName(const QString &service);

// A route's rate_limit as limit_req takes it: one rate, per second or per minute (the second
// when both are set); nullopt when the route has neither.
struct NginxRequestRate
{
    qint64 requests = 0;
    bool perSecond = true;
    QString rate() const
    {
        return QString::number(requests)
            + (perSecond ? QStringLiteral("r/s") : QStringLiteral("r/m"));
    }
};
std::optional<NginxRequestRate> nginxRequestRate(const LimitsConfig &limits);
// The limit_req_zone of a route's rate_limit: "route_" + its name.
QString nginxZoneName(const QString &route);

// The methods limit_except accepts (nginx knows a fixed list), in the order given.
QStringList nginxLimitExceptMethods(const QStringList &methods);

// One location block for `path` of a route, matched by `match` (from nginxLocationMatches).
// What it cannot express is reported by the caller, once per route.
struct NginxRouteContext
{
    const RouteConfig &route;
    const ServiceConfig &service;
    const SettingsConfig &settings;
};
void writeNginxLocation(NginxWriter &out, const NginxRouteContext &context, const QString &path,
                        const QString &match);

} // namespace portico
