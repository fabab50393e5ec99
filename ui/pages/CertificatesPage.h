#pragma once

#include "ControlRoom.h"

#include <QPointer>
#include <QWidget>

class QAction;
class QMessageBox;
class QStackedWidget;
class QTableView;

namespace portico {

class CertificateDetails;
class CertificateHostsDialog;
class CertificateTableModel;
class FieldErrorLabel;
class HttpsListenerPanel;
class ImportCertificateDialog;
class LocalCaCertificateDialog;
class TrustInstructionsDialog;
class WarningBanner;
struct CertificateConfig;
struct StoreResult;

// The certificates the HTTPS listener serves: a table with each one's names, issuer, expiry
// and status (the first is the default), a banner while any is expiring or expired, the
// selected one's details and the HTTPS listener's settings. Import from PEM files, create from
// the local development CA, edit hosts, make default, delete, export the CA's certificate with
// how to trust it, copy a certificate's PEM. Every change is one edit of the configuration
// (undo brings it back) and reaches the running listener at once; keys are never shown.
class CertificatesPage : public QWidget
{
    Q_OBJECT
public:
    explicit CertificatesPage(ControlRoom room, QWidget *parent = nullptr);

    CertificateTableModel *model() const { return m_model; }
    QTableView *view() const { return m_view; }
    HttpsListenerPanel *httpsPanel() const { return m_https; }
    CertificateDetails *details() const { return m_details; }
    QString warningsText() const; // the banner's lines; empty while hidden
    QString messageText() const;
    QMessageBox *confirmation() const; // open now, for tests; null when none

    bool selectCertificate(const QString &name);
    QString selectedName() const;

    // The actions; each dialog opens (not exec()'d) and is returned for tests.
    ImportCertificateDialog *importPem();
    LocalCaCertificateDialog *createFromLocalCa();
    CertificateHostsDialog *editHosts();
    bool makeDefault();
    void deleteCertificate(); // asks first
    bool removeCertificate(const QString &name);
    void exportCaCertificate(); // asks where
    // Writes the local CA's certificate (creating the CA when there is none) to `path` and
    // opens the instructions to trust it; null with the message shown when it cannot.
    TrustInstructionsDialog *exportCaCertificateTo(const QString &path);
    void copyCertificatePem();

protected:
    void showEvent(QShowEvent *event) override;

private:
    void reload();
    void updateActions();
    void showContextMenu(const QPoint &pos);
    bool report(const StoreResult &result);
    // Stores what a dialog hands over; the dialog closes once it is stored, else shows why.
    template<typename Dialog>
    void storeFrom(Dialog *dialog, const QString &how);
    QAction *makeAction(const char *icon, const QString &text, const QString &objectName,
                        const QKeySequence &shortcut, QWidget *scope);

    ControlRoom m_room;
    qint64 m_revision = 0;
    CertificateTableModel *m_model;
    QTableView *m_view;
    QStackedWidget *m_stack;
    WarningBanner *m_banner;
    FieldErrorLabel *m_message;
    CertificateDetails *m_details;
    HttpsListenerPanel *m_https;
    QAction *m_import = nullptr;
    QAction *m_create = nullptr;
    QAction *m_editHosts = nullptr;
    QAction *m_makeDefault = nullptr;
    QAction *m_delete = nullptr;
    QAction *m_exportCa = nullptr;
    QAction *m_copyPem = nullptr;
    QPointer<QMessageBox> m_confirm;
};

} // namespace portico
