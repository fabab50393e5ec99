#include "RouteTesterDialog.h"

#include "views/FieldErrorLabel.h"
#include "views/VerdictView.h"

#include "config/Addresses.h"
#include "config/ConfigService.h"
#include "config/EngineRegistries.h"
#include "net/GatewayEngine.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QElapsedTimer>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPromise>
#include <QPushButton>
#include <QShortcut>
#include <QThreadPool>
#include <QVBoxLayout>

namespace portico {

namespace {

const QStringList kMethods = {QStringLiteral("GET"),    QStringLiteral("POST"),
                              QStringLiteral("PUT"),    QStringLiteral("PATCH"),
                              QStringLiteral("DELETE"), QStringLiteral("HEAD"),
                              QStringLiteral("OPTIONS")};

// "http://127.0.0.1:8080": what a client on this machine connects to.
QString gatewayBase(const Config &config, const GatewayEngine *engine)
{
    if (engine && engine->isRunning() && !engine->listenerUrls().isEmpty())
        return engine->listenerUrls().front();
    const std::optional<HostPort> listen = parseHostPort(config.settings.listen);
    QString host = listen ? listen->host : QStringLiteral("127.0.0.1");
    if (host.isEmpty() || host == QLatin1String("0.0.0.0") || host == QLatin1String("::"))
        host = QStringLiteral("127.0.0.1"); // listening everywhere: loopback reaches it
    if (host.contains(u':'))
        host = u'[' + host + u']';
    return QStringLiteral("http://%1:%2").arg(host).arg(listen ? listen->port : 8080);
}

} // namespace

RouteTesterDialog *RouteTesterDialog::openOn(ControlRoom room, Config config,
                                             const QString &against, const QString &method,
                                             const QString &url, const QString &headers,
                                             QWidget *parent)
{
    auto *dialog = new RouteTesterDialog(room, std::move(config), against, parent);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setRequest(method, url, headers);
    dialog->open();
    return dialog;
}

RouteTesterDialog *RouteTesterDialog::openOnStored(ControlRoom room, const QString &method,
                                                   const QString &url, const QString &headers,
                                                   QWidget *parent)
{
    return openOn(room, room.config->config(),
                  tr("the stored configuration (revision %1)").arg(room.config->revision()),
                  method, url, headers, parent);
}

QString RouteTesterDialog::suggestedUrl(const Config &config, const RouteConfig *route,
                                        const GatewayEngine *engine)
{
    QString base = gatewayBase(config, engine);
    QString path = QStringLiteral("/");
    if (route && !route->hosts.isEmpty()) {
        // The route's own host, on the gateway's port: a host route then matches.
        QString host = route->hosts.front();
        if (host.startsWith(QLatin1String("*.")))
            host = QStringLiteral("www") + host.mid(1);
        const qsizetype colon = base.lastIndexOf(u':');
        base = QStringLiteral("http://") + host + base.mid(colon);
    }
    if (route && !route->paths.isEmpty()) {
        const QString first = route->paths.front();
        if (first.startsWith(u'='))
            path = first.mid(1);
        else if (!first.startsWith(u'~'))
            path = first;
    }
    return base + path;
}

RouteTesterDialog::RouteTesterDialog(ControlRoom room, Config config, const QString &against,
                                     QWidget *parent)
    : QDialog(parent)
    , m_room(room)
    , m_config(std::move(config))
    , m_method(new QComboBox)
    , m_url(new QLineEdit)
    , m_headers(new QPlainTextEdit)
    , m_headersError(new FieldErrorLabel(QStringLiteral("headersError")))
    , m_clientIp(new QLineEdit(QStringLiteral("127.0.0.1")))
    , m_test(new QPushButton(portIcon("test"), tr("&Test")))
    , m_timing(new QLabel)
    , m_view(new VerdictView)
{
    setObjectName(QStringLiteral("routeTester"));
    setWindowTitle(tr("Test a request"));

    m_method->setObjectName(QStringLiteral("testMethod"));
    m_method->setEditable(true); // any token: the gateway decides what it accepts
    m_method->addItems(kMethods);
    m_url->setObjectName(QStringLiteral("testUrl"));
    m_url->setPlaceholderText(QStringLiteral("http://127.0.0.1:8080/users/7?page=2"));
    m_url->setClearButtonEnabled(true);
    auto *line = new QHBoxLayout;
    line->addWidget(m_method);
    line->addWidget(m_url, 1);

    m_headers->setObjectName(QStringLiteral("testHeaders"));
    m_headers->setPlaceholderText(QStringLiteral("X-API-Key: pk_...\nAccept: application/json"));
    m_headers->setTabChangesFocus(true);
    m_headers->setFixedHeight(m_headers->fontMetrics().lineSpacing() * 4 + 12);
    auto *headersHint = new QLabel(tr("One field per line, Name: value. Host comes from the "
                                      "URL unless given here."));

    m_clientIp->setObjectName(QStringLiteral("testClientIp"));
    const int em = fontMetrics().horizontalAdvance(u'M');
    m_clientIp->setMaximumWidth(18 * em);
    m_test->setObjectName(QStringLiteral("runTest"));
    m_test->setToolTip(tr("Test (Ctrl+Return)"));
    m_test->setDefault(true);
    auto *clientRow = new QHBoxLayout;
    clientRow->addWidget(m_clientIp);
    clientRow->addStretch(1);
    m_timing->setObjectName(QStringLiteral("testTiming"));
    m_timing->setForegroundRole(QPalette::PlaceholderText);
    clientRow->addWidget(m_timing);
    clientRow->addWidget(m_test);

    auto *requestBox = new QGroupBox(tr("Request"));
    auto *form = new QFormLayout(requestBox);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    // Rows holding a layout get their label's buddy by hand, for the mnemonic.
    auto *urlLabel = new QLabel(tr("&URL:"));
    urlLabel->setBuddy(m_url);
    form->addRow(urlLabel, line);
    form->addRow(tr("&Headers:"), withErrorLabel(m_headers, m_headersError, headersHint));
    auto *clientLabel = new QLabel(tr("&Client address:"));
    clientLabel->setBuddy(m_clientIp);
    form->addRow(clientLabel, clientRow);

    auto *note = new QLabel(tr("Against %1. Nothing is sent: the gateway's own request path "
                               "decides, as a dry run that counts and records nothing.")
                                .arg(against));
    note->setObjectName(QStringLiteral("testAgainst"));
    note->setWordWrap(true);
    note->setForegroundRole(QPalette::PlaceholderText);

    auto *verdictBox = new QGroupBox(tr("Verdict"));
    auto *verdictLayout = new QVBoxLayout(verdictBox);
    verdictLayout->addWidget(m_view);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(requestBox);
    layout->addWidget(note);
    layout->addWidget(verdictBox, 1);
    layout->addWidget(buttons);

    connect(m_test, &QPushButton::clicked, this, &RouteTesterDialog::runTest);
    for (const QKeySequence &keys :
         {QKeySequence(Qt::CTRL | Qt::Key_Return), QKeySequence(Qt::CTRL | Qt::Key_Enter)})
        connect(new QShortcut(keys, this), &QShortcut::activated, this,
                &RouteTesterDialog::runTest);
    connect(&m_watcher, &QFutureWatcher<Answer>::finished, this, &RouteTesterDialog::showAnswer);

    resize(84 * em, 72 * em);
    m_url->setFocus();
}

RouteTesterDialog::~RouteTesterDialog()
{
    // The test holds its own copies (configuration, registries): it may end after the dialog.
    m_watcher.disconnect(this);
}

void RouteTesterDialog::setRequest(const QString &method, const QString &url,
                                   const QString &headers)
{
    m_method->setCurrentText(method);
    m_url->setText(url);
    m_headers->setPlainText(headers);
}

std::optional<TestRequest> RouteTesterDialog::requestFromFields()
{
    TestRequest request;
    request.method = m_method->currentText().trimmed().toUtf8();
    request.url = m_url->text().trimmed();
    request.clientIp = m_clientIp->text().trimmed();
    const QStringList lines = m_headers->toPlainText().split(u'\n');
    for (int i = 0; i < lines.size(); ++i) {
        if (lines[i].trimmed().isEmpty())
            continue;
        const qsizetype colon = lines[i].indexOf(u':');
        if (colon <= 0) {
            m_headersError->setMessage(tr("Line %1: write a field as Name: value.").arg(i + 1));
            return std::nullopt;
        }
        request.headers.emplace_back(lines[i].left(colon).trimmed().toUtf8(),
                                     lines[i].mid(colon + 1).trimmed().toUtf8());
    }
    m_headersError->setMessage(QString());
    return request;
}

void RouteTesterDialog::runTest()
{
    if (isTesting())
        return;
    const std::optional<TestRequest> request = requestFromFields();
    if (!request)
        return;
    // Taken here, on the engine's thread; read on the pool thread.
    auto tester =
        std::make_shared<RouteTester>(m_room.engine ? m_room.engine->dryRunRegistries() : nullptr);
    auto promise = std::make_shared<QPromise<Answer>>();
    promise->start();
    m_watcher.setFuture(promise->future());
    m_test->setEnabled(false);
    m_timing->setText(tr("Testing\u2026"));
    QThreadPool::globalInstance()->start([promise, tester, config = m_config, request = *request] {
        QElapsedTimer timer;
        timer.start();
        Answer answer{tester->test(config, request), 0};
        answer.elapsedMs = timer.elapsed();
        promise->addResult(std::move(answer));
        promise->finish();
    });
}

void RouteTesterDialog::showAnswer()
{
    m_test->setEnabled(true);
    const QFuture<Answer> future = m_watcher.future();
    if (future.resultCount() == 0)
        return;
    const Answer answer = future.result();
    m_verdict = answer.verdict;
    m_view->showVerdict(m_verdict);
    m_timing->setText(answer.elapsedMs < 1 ? tr("tested in under 1 ms")
                                           : tr("tested in %1 ms").arg(answer.elapsedMs));
    Q_EMIT tested();
}

} // namespace portico
