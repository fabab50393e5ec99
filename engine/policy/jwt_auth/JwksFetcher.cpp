#include "JwksFetcher.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QThread>

namespace portico {

JwksFetcher::JwksFetcher() = default;

JwksFetcher::~JwksFetcher()
{
    if (!m_thread)
        return;
    // The manager and its replies die on their own thread, before it stops.
    QMetaObject::invokeMethod(m_context, [this] { delete m_network; },
                              Qt::BlockingQueuedConnection);
    m_thread->quit();
    m_thread->wait();
    delete m_context;
    delete m_thread;
}

void JwksFetcher::ensureStarted()
{
    if (m_thread)
        return;
    m_thread = new QThread;
    m_thread->setObjectName(QStringLiteral("portico-jwks"));
    m_context = new QObject;
    m_context->moveToThread(m_thread);
    m_thread->start();
    QMetaObject::invokeMethod(m_context, [this] { m_network = new QNetworkAccessManager; },
                              Qt::BlockingQueuedConnection);
}

void JwksFetcher::fetch(const QUrl &url, std::function<void(JwksResponse)> done)
{
    ensureStarted();
    QMetaObject::invokeMethod(m_context, [this, url, done = std::move(done)] {
        QNetworkRequest request(url);
        request.setTransferTimeout(kTimeoutMs);
        request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                             QNetworkRequest::NoLessSafeRedirectPolicy);
        request.setRawHeader("Accept", "application/jwk-set+json, application/json");
        QNetworkReply *reply = m_network->get(request);
        // A document far beyond any real key set is cut off rather than buffered.
        QObject::connect(reply, &QNetworkReply::downloadProgress, reply, [reply](qint64 got) {
            if (got > kMaxBodyBytes) {
                reply->setProperty("oversized", true);
                reply->abort();
            }
        });
        QObject::connect(reply, &QNetworkReply::finished, reply, [reply, done] {
            reply->deleteLater();
            JwksResponse response;
            const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            if (reply->property("oversized").toBool())
                response.error = QStringLiteral("larger than %1 bytes").arg(kMaxBodyBytes);
            else if (status != 200 || reply->error() != QNetworkReply::NoError)
                response.error = status ? QStringLiteral("HTTP status %1").arg(status)
                                        : reply->errorString();
            else {
                response.body = reply->readAll();
                response.cacheControl = reply->rawHeader("Cache-Control");
            }
            done(std::move(response));
        });
    });
}

} // namespace portico
