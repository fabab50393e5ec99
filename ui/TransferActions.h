#pragma once

#include "ControlRoom.h"

#include "config/ConfigTransfer.h"

#include <QObject>

#include <atomic>
#include <functional>
#include <memory>

class QAction;
class QMenu;
class QMessageBox;
class QProgressDialog;
class QWidget;

namespace portico {

// What an import did, for the report the user sees.
struct ImportReport
{
    bool stored = false;
    bool cancelled = false;
    QString summary;      // "import of api.yaml (Kong decK): 3 routes, 2 services"
    ConfigErrors errors;  // why nothing was stored
    QStringList warnings; // and what did not carry over, and notes
    QStringList notCarried;
    QStringList notes;
};

// The File menu's Import and Export. Reading, converting, validating and storing a file run on
// a thread of their own behind a progress dialog, so a large import never freezes the window;
// it can be cancelled until it starts writing the store. With a store file, the import writes
// through its own connection to that file and the window's ConfigService picks the change up;
// an in-memory store (porticod --config) is written from the GUI thread, as it has only one
// connection.
class TransferActions : public QObject
{
    Q_OBJECT
public:
    TransferActions(ControlRoom room, QWidget *window);
    ~TransferActions() override;

    QAction *importAction() const { return m_import; }
    QMenu *exportMenu() const { return m_exportMenu; }

    // The work behind the actions, without dialogs (tests, drag and drop): `service` is the
    // service an OpenAPI import adds routes to. importFile returns at once; importFinished
    // follows.
    void importFile(const QString &path, TransferFormat format, const QString &service = {});
    void exportFile(const QString &path, TransferFormat format,
                    PrivateKeys keys = PrivateKeys::Omit);
    // Exports to `path`, first asking (in a box it returns, opened) whether to include the
    // certificates' private keys when the format is a native one and there are keys to include;
    // null when there was nothing to ask and the export started at once.
    QMessageBox *exportAskingForKeys(const QString &path, TransferFormat format);
    bool isBusy() const { return m_busy; }
    // Stops a running import before it writes anything (no effect once it is storing).
    void cancel();

Q_SIGNALS:
    void importFinished(const portico::ImportReport &report);
    void exportFinished(bool ok, const QString &message, const QStringList &notCarried);
    // One line for the status bar.
    void message(const QString &text);

private:
    struct Job;
    void chooseImport();
    void chooseExport(TransferFormat format);
    void runJob(const QString &label, std::function<void(Job &)> work,
                std::function<void(Job &)> done);
    void showImportReport(const ImportReport &report);

    ControlRoom m_room;
    QWidget *m_window;
    QAction *m_import;
    QMenu *m_exportMenu;
    QProgressDialog *m_progress = nullptr;
    std::shared_ptr<Job> m_job;
    bool m_busy = false;
    bool m_interactive = false; // started from the menu: report in dialogs
};

} // namespace portico

Q_DECLARE_METATYPE(portico::ImportReport)
