import { HttpStatus } from '@nestjs/common';
import { DomainException } from '../errors/domain.exception';

/** Machine codes of access/portability packages and their download links. */
export const PRIVACY_PACKAGES_ERROR_CODES = {
  ACCESS_PACKAGE_NOT_FOUND: 'No such access package.',
  ACCESS_PACKAGE_NOT_READY: 'The access package is not ready yet (or was purged); a link can be made once it is ready.',
  DOWNLOAD_LINK_NOT_FOUND: 'The download link is not valid (unknown or mistyped).',
  DOWNLOAD_LINK_EXPIRED: 'The download link has expired (or its package was purged); ask for a new copy of your data.',
  ACCESS_PACKAGE_INVALID: 'The package content did not validate against the export schema; the build failed and is retried.',
  ACCESS_PACKAGE_BUILD_INTERRUPTED: 'The worker stopped in the middle of a package build; another worker builds it again from the start.',
} as const;

export class AccessPackageNotFoundException extends DomainException {
  constructor() {
    super('ACCESS_PACKAGE_NOT_FOUND', HttpStatus.NOT_FOUND, PRIVACY_PACKAGES_ERROR_CODES.ACCESS_PACKAGE_NOT_FOUND);
  }
}

export class AccessPackageNotReadyException extends DomainException {
  constructor(state: string) {
    super('ACCESS_PACKAGE_NOT_READY', HttpStatus.CONFLICT, `The access package is ${state}, not ready; a download link can be made once it is ready.`);
  }
}

export class DownloadLinkNotFoundException extends DomainException {
  constructor() {
    super('DOWNLOAD_LINK_NOT_FOUND', HttpStatus.NOT_FOUND, PRIVACY_PACKAGES_ERROR_CODES.DOWNLOAD_LINK_NOT_FOUND);
  }
}

export class DownloadLinkExpiredException extends DomainException {
  constructor() {
    super('DOWNLOAD_LINK_EXPIRED', HttpStatus.GONE, PRIVACY_PACKAGES_ERROR_CODES.DOWNLOAD_LINK_EXPIRED);
  }
}

export class AccessPackageInvalidException extends DomainException {
  constructor(where: string, problems: string) {
    super('ACCESS_PACKAGE_INVALID', HttpStatus.INTERNAL_SERVER_ERROR, `The package content did not validate (${where}): ${problems}`);
  }
}

export class AccessPackageBuildInterruptedException extends DomainException {
  constructor() {
    super('ACCESS_PACKAGE_BUILD_INTERRUPTED', HttpStatus.SERVICE_UNAVAILABLE, PRIVACY_PACKAGES_ERROR_CODES.ACCESS_PACKAGE_BUILD_INTERRUPTED);
  }
}
