#pragma once

#include "http/HttpMessage.h"

#include <QByteArray>
#include <QJsonArray>
#include <QString>

namespace portico {

// One answer of a mock service, before it is framed for the wire.
struct MockReply
{
    int status = 200;
    QByteArray body;  // JSON, ends with a newline so curl output reads well
    QByteArray allow; // "Allow" header value for 405 answers
};

// The request handling of one built-in mock service: a tiny in-memory JSON API. Which API it
// serves follows from its name ("users", "orders", "payments", "payments-v2"). Not thread-safe;
// it is used only on the mock services' thread.
class MockApi
{
public:
    explicit MockApi(QString service);

    const QString &service() const { return m_service; }
    MockReply handle(const RequestHead &head, const QByteArray &body);

private:
    MockReply usersApi(const RequestHead &head, const QByteArray &body, const QStringList &segs);
    MockReply ordersApi(const RequestHead &head, const QStringList &segs);
    MockReply paymentsApi(const RequestHead &head, const QStringList &segs);
    MockReply reply(int status, const RequestHead &head, const char *key, const QJsonValue &value);
    MockReply notFound(const RequestHead &head);
    MockReply methodNotAllowed(const RequestHead &head, QByteArray allow);

    QString m_service;
    QString m_version; // "v1" or "v2" for the payments services, empty otherwise
    QJsonArray m_users;
    int m_nextUserId = 4;
};

} // namespace portico
