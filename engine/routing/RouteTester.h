#pragma once

#include "config/Config.h"
#include "http/HttpMessage.h"
#include "routing/TestRequestHead.h"

#include <QByteArray>
#include <QString>

#include <memory>
#include <utility>
#include <vector>

namespace portico {

struct EngineRegistries;

// What the gateway would do with one request, as the route tester found it.
struct RouteVerdict
{
    enum class Outcome {
        InvalidConfig,  // the configuration does not validate: configErrors
        InvalidRequest, // the request cannot be written as given: inputError
        Refused,        // the gateway answers itself: status, error, reply
        Forwarded,      // sent to a service: service, target, upstreamUrl, upstreamHead
        Undecided,      // a policy would wait (a JWK Set to fetch); the decisions say what for
    };
    Outcome outcome = Outcome::InvalidRequest;
    ConfigErrors configErrors;
    QString inputError;

    QByteArray requestId; // the one the request would carry (the client's, or a new one)
    QString route;        // the matched route; empty when none matched
    QString noMatch;      // why none matched, naming the nearest route
    QString consumer;     // who authenticated; empty for an anonymous caller
    // Every decision the request path recorded, in order ("route", "auth", "rate limit", ...).
    std::vector<std::pair<QByteArray, QByteArray>> decisions;

    // Refused: the answer the client gets (secrets in its fields redacted).
    int status = 0;
    QByteArray error; // the reason in the body, e.g. "missing credentials"
    ResponseHead reply;
    QByteArray replyBody;

    // Forwarded.
    QString service;
    QString target;           // "127.0.0.1:9001", the target a request goes to first
    QString targetNote;       // how it was chosen when the service has several targets
    QByteArray upstreamUrl;   // "http://127.0.0.1:9001/users/7?x=1" (secret parameters redacted)
    RequestHead upstreamHead; // exactly as sent, secret values "[redacted]"
    HeaderMap responseFields; // what the gateway adds to the service's answer (RateLimit ...)

    // One line: "Forwarded to users → http://…", "Refused: 401 missing credentials".
    QString summary() const;
};

// Answers "what would the gateway do with this request?" without sending anything anywhere:
// it validates and compiles the configuration as the engine does (so an unsaved edit can be
// tried), then runs the request through the same code a real one goes through: the gateway's
// parser and head limits, path normalization and route matching (RequestRouting), the route's
// policy chain, and the proxy's header building (ProxyHeaders), with RequestContext::dryRun
// set so no policy changes anything (see RequestContext). Given a running engine's registries
// (GatewayEngine::dryRunRegistries), rate limits reflect what it counted and JWTs verify with
// the key sets it has fetched. Blocks on Redis when the counters live there: not for a GUI
// thread.
class RouteTester
{
public:
    // Fresh registries: nothing counted, no key set fetched, every target healthy.
    RouteTester();
    explicit RouteTester(std::unique_ptr<EngineRegistries> registries);
    ~RouteTester();
    RouteTester(const RouteTester &) = delete;
    RouteTester &operator=(const RouteTester &) = delete;

    RouteVerdict test(const Config &config, const TestRequest &request);

private:
    std::unique_ptr<EngineRegistries> m_registries;
};

} // namespace portico
