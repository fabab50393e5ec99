#pragma once

#include <QByteArray>
#include <QString>
#include <QUrl>

#include <functional>

class QNetworkAccessManager;
class QObject;
class QThread;

namespace portico {

// What one JWKS download gave.
struct JwksResponse
{
    QString error;       // empty on success (HTTP 200 and a body within the size limit)
    QByteArray body;
    QByteArray cacheControl;
};

// Downloads JWK Sets on a thread of its own (QNetworkAccessManager, HTTP and HTTPS), so no
// worker ever blocks on an identity provider. Started on first use; stopped when destroyed.
class JwksFetcher
{
public:
    static constexpr int kTimeoutMs = 5'000;
    static constexpr qint64 kMaxBodyBytes = 512 * 1024;

    JwksFetcher();
    ~JwksFetcher();
    JwksFetcher(const JwksFetcher &) = delete;
    JwksFetcher &operator=(const JwksFetcher &) = delete;

    // `done` runs on the fetcher's thread.
    void fetch(const QUrl &url, std::function<void(JwksResponse)> done);

private:
    void ensureStarted();

    QThread *m_thread = nullptr;
    QObject *m_context = nullptr; // lives on m_thread
    QNetworkAccessManager *m_network = nullptr; // lives on m_thread
};

} // namespace portico
