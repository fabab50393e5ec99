#pragma once

#include "ControlRoom.h"

#include "config/Config.h"
#include "routing/RouteTester.h"

#include <QDialog>
#include <QFutureWatcher>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;

namespace portico {

class FieldErrorLabel;
class VerdictView;

// "What would the gateway do with this request?": a method, a URL, header fields and a client
// address go through the gateway's own request path as a dry run (RouteTester), against the
// stored configuration or an editor's unsaved copy, and the verdict shows which route matched,
// each decision, and what the service (or the client) would get. Nothing is sent anywhere.
// The test runs on a pool thread: compiling a large configuration takes a while, and with
// Redis the rate-limit counters are a network call.
class RouteTesterDialog : public QDialog
{
    Q_OBJECT
public:
    // `against` names the configuration in the dialog ("the stored configuration", "your
    // unsaved edit of route users").
    RouteTesterDialog(ControlRoom room, Config config, const QString &against,
                      QWidget *parent = nullptr);
    ~RouteTesterDialog() override;

    // Fills the fields; `headers` holds "Name: value" lines.
    void setRequest(const QString &method, const QString &url, const QString &headers = {});
    // Tests what the fields say (also the Test button and Ctrl+Return).
    void runTest();
    bool isTesting() const { return m_watcher.isRunning(); }
    const RouteVerdict &verdict() const { return m_verdict; }
    VerdictView *view() const { return m_view; }

    // Where a test of `route` starts: the gateway's address (its first host instead, when
    // it lists one) and the route's first path. Null route: the gateway's root.
    // Opens a tester (deleted on close) on `config` with the request filled in.
    static RouteTesterDialog *openOn(ControlRoom room, Config config, const QString &against,
                                     const QString &method, const QString &url,
                                     const QString &headers, QWidget *parent);
    // The same on the stored configuration ("the stored configuration (revision N)").
    static RouteTesterDialog *openOnStored(ControlRoom room, const QString &method,
                                           const QString &url, const QString &headers,
                                           QWidget *parent);

    static QString suggestedUrl(const Config &config, const RouteConfig *route,
                                const GatewayEngine *engine);

Q_SIGNALS:
    // A verdict is shown (tests wait for it).
    void tested();

private:
    struct Answer
    {
        RouteVerdict verdict;
        qint64 elapsedMs = 0;
    };
    std::optional<TestRequest> requestFromFields();
    void showAnswer();

    ControlRoom m_room;
    Config m_config;
    QComboBox *m_method;
    QLineEdit *m_url;
    QPlainTextEdit *m_headers;
    FieldErrorLabel *m_headersError;
    QLineEdit *m_clientIp;
    QPushButton *m_test;
    QLabel *m_timing;
    VerdictView *m_view;
    RouteVerdict m_verdict;
    QFutureWatcher<Answer> m_watcher;
};

} // namespace portico
